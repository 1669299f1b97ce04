"""The call store: an index of calls plus one small database file per call.

Layout under ROLEPLAY_HOME:
    index.json          one row per call (id, scenario, rep, started, outcome, overall): listing is cheap
    calls/<id>.json     the call itself: transcript, scorecard
Saving a turn rewrites only that call's file, so its cost does not grow with the number of stored calls.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from tinydb import Query, TinyDB
from tinydb.table import Document

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.errors import RoleplayError, UnknownIdError
from roleplay.store.atomic_storage import AtomicJSONStorage, CorruptFile

class StoreCorrupt(RoleplayError):
    """A database file cannot be read; it is left untouched."""


def default_home() -> Path:
    """ROLEPLAY_HOME, or the platform's user data directory."""
    env = os.environ.get("ROLEPLAY_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("roleplay", appauthor=False))


def _index_row(t: Transcript, overall: float | None) -> dict:
    return {
        "id": t.id,
        "scenario": t.scenario,
        "persona": t.persona,
        "rep": t.rep,
        "started": t.started.isoformat() if t.started else None,
        "ended": t.ended.isoformat() if t.ended else None,
        "outcome": t.outcome,
        "overall": overall,
        "turns": len(t.turns),
        "engine": t.engine,
        "model": t.model,
    }


class Store:
    """Stored calls under one home directory."""

    def __init__(self, home: str | os.PathLike | None = None, read_only: bool = False):
        self.home = Path(home) if home else default_home()
        self.read_only = read_only
        self.calls_dir = self.home / "calls"
        self._index_cache: dict[str, dict] = {}

    # -- files -----------------------------------------------------------------------------------

    @contextmanager
    def _locked(self):
        """An exclusive lock on the home, held while one process writes."""
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / ".lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _db(self, path: Path) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage, read_only=self.read_only)

    def _call_path(self, call_id: str) -> Path:
        if not call_id or "/" in call_id or call_id.startswith("."):
            raise UnknownIdError(f"unknown call '{call_id}'")
        return self.calls_dir / f"{call_id}.json"

    @contextmanager
    def _reporting_corruption(self):
        try:
            yield
        except CorruptFile as exc:
            raise StoreCorrupt(f"{exc} (the file was left as it is)") from None

    def _read(self, db: TinyDB, table: str) -> list[dict]:
        with self._reporting_corruption():
            return db.table(table).all()

    # -- calls -----------------------------------------------------------------------------------

    def save(self, transcript: Transcript, scorecard: Scorecard | None = None) -> None:
        """Persist the call as it is now; called after every turn."""
        path = self._call_path(transcript.id)
        doc = {"transcript": transcript.model_dump(mode="json")}
        if scorecard is not None:
            doc["scorecard"] = scorecard.model_dump(mode="json")
        with self._locked(), self._reporting_corruption():
            db = self._db(path)
            existing = db.table("call").get(doc_id=1)
            if scorecard is None and existing and "scorecard" in existing:
                doc["scorecard"] = existing["scorecard"]
            db.table("call").upsert(Document(doc, doc_id=1))
            row = _index_row(transcript, doc.get("scorecard", {}).get("overall"))
            if self._index_cache.get(transcript.id) != row:
                index = self._db(self.home / "index.json")
                index.table("calls").upsert(row, Query().id == transcript.id)
                self._index_cache[transcript.id] = row

    def _doc(self, call_id: str) -> dict:
        path = self._call_path(call_id)
        if not path.exists():
            raise UnknownIdError(f"unknown call '{call_id}' (see `roleplay list transcripts`)")
        with self._reporting_corruption():
            doc = self._db(path).table("call").get(doc_id=1)
        if not doc:
            raise StoreCorrupt(f"{path}: holds no call (the file was left as it is)")
        return doc

    def load(self, call_id: str) -> Transcript:
        return Transcript.model_validate(self._doc(call_id)["transcript"])

    def scorecard(self, call_id: str) -> Scorecard | None:
        doc = self._doc(call_id)
        return Scorecard.model_validate(doc["scorecard"]) if "scorecard" in doc else None

    def list(self) -> list[dict]:
        """Index rows of every stored call, newest first."""
        path = self.home / "index.json"
        if not path.exists():
            return []
        rows = self._read(self._db(path), "calls")
        return sorted(rows, key=lambda r: r.get("started") or "", reverse=True)
