"""Where the store keeps things under ROLEPLAY_HOME, and the shape of index.json and of a call file."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from roleplay.store.atomic_storage import CorruptFile

MAX_ID_LENGTH = 150
"""In UTF-8 bytes, so that `<id>.review.json` stays within a file system's 255-byte name limit."""

SIDECARS = (".review.json",)
"""Files kept beside a call in calls/ (`<id>.review.json`: trainer notes, see reviews.py); not call files."""


@dataclass(frozen=True)
class Layout:
    """The paths of one store."""

    home: Path

    @property
    def index(self) -> Path:
        return self.home / "index.json"

    @property
    def calls(self) -> Path:
        return self.home / "calls"

    @property
    def lock(self) -> Path:
        return self.home / ".lock"

    @property
    def tmp(self) -> Path:
        """Temporaries of atomic writes; anything here after a kill is debris, removed under the lock."""
        return self.home / "tmp"

    @property
    def pending(self) -> Path:
        """One empty marker per call whose file and index row are being changed together."""
        return self.home / "pending"

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    def call(self, call_id: str) -> Path:
        return self.calls / f"{call_id}.json"

    def call_files(self) -> list[Path]:
        if not self.calls.is_dir():
            return []
        return sorted(
            Path(e.path) for e in os.scandir(self.calls)
            if e.name.endswith(".json") and not e.name.endswith(SIDECARS) and not e.name.startswith(".") and e.is_file()
        )

    def new_dir(self, parent: Path, label: str, now: datetime) -> Path:
        """A fresh directory named after the time, e.g. backups/20250101-120000-repair."""
        base = f"{now:%Y%m%d-%H%M%S}-{label}"
        for n in range(1, 1000):
            path = parent / (base if n == 1 else f"{base}-{n}")
            try:
                path.mkdir(parents=True)
                return path
            except FileExistsError:
                continue
        raise FileExistsError(parent / base)


def call_id_problem(call_id: object) -> str | None:
    """Why `call_id` cannot name a call file, or None if it can."""
    if not isinstance(call_id, str) or not call_id:
        return "is empty"
    if len(call_id.encode("utf-8", "surrogatepass")) > MAX_ID_LENGTH:
        return f"is longer than {MAX_ID_LENGTH} bytes"
    if call_id.startswith("."):
        return "starts with '.'"
    if (call_id + ".json").endswith(SIDECARS):
        return "ends like the file name of a call's notes"
    for ch in call_id:
        if ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"contains {ch!r}, which cannot be part of a file name"
    return None


def call_document(raw: dict, path: Path) -> dict:
    """The call stored in a call file's tinydb JSON (table `call`, document 1)."""
    table = raw.get("call")
    doc = table.get("1") if isinstance(table, dict) else None
    if not isinstance(doc, dict):
        raise CorruptFile(path, "holds no call (no document 1 in table `call`)")
    if not isinstance(doc.get("transcript"), dict):
        raise CorruptFile(path, "the call has no transcript")
    return doc


def call_file(doc: dict) -> dict:
    """The tinydb JSON of a call file holding `doc`."""
    return {"call": {"1": doc}}


def index_rows(raw: dict, path: Path) -> list[dict]:
    """The rows of index.json's `calls` table, checked to be rows with an id."""
    table = raw.get("calls", {})
    if not isinstance(table, dict):
        raise CorruptFile(path, "table `calls` is not an object")
    rows = list(table.values())
    if not all(type(row) is dict and type(row.get("id")) is str for row in rows):
        key = next(k for k, row in table.items() if not isinstance(row, dict) or not isinstance(row.get("id"), str))
        raise CorruptFile(path, f"row {key} of table `calls` has no call id")
    return rows


def index_schema(raw: dict, path: Path) -> int:
    """The schema version recorded in index.json's `meta` table; a database without one is version 1."""
    meta = raw.get("meta", {})
    if not isinstance(meta, dict):
        raise CorruptFile(path, "table `meta` is not an object")
    for doc in meta.values():
        if isinstance(doc, dict) and "schema" in doc:
            version = doc["schema"]
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise CorruptFile(path, f"schema version {version!r} is not a version number")
            return version
    return 1


def document_schema(doc: dict, path: Path) -> int:
    """The schema version a call document was written under; one without `schema` is version 1."""
    version = doc.get("schema", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CorruptFile(path, f"schema version {version!r} is not a version number")
    return version


def index_file(rows: list[dict], schema: int, extra: dict | None = None) -> dict:
    """The tinydb JSON of an index holding `rows` at `schema`."""
    data = dict(extra or {})
    data["calls"] = {str(i): row for i, row in enumerate(rows, 1)}
    data["meta"] = {"1": {"schema": schema}}
    return data
