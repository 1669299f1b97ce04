"""The call store: an index of calls plus one small tinydb file per call, under ROLEPLAY_HOME.

Layout:
    index.json          one row per call (id, scenario, persona, rep, started, ended, outcome, overall,
                        turns, engine, model) and the schema version; listing reads this one file
    calls/<id>.json     the call itself: transcript and scorecard
    pending/<id>        a marker while a call's file and its index row change together
    tmp/                temporaries of atomic writes, renamed into place
    backups/<time>/     copies taken before a migration or a repair
    quarantine/<time>/  files a repair could not read, moved out of calls/
    .lock               held by the process that is writing

Why this layout: saving a turn rewrites only that call's file. The index changes only when a row's fields
change (a call starts, ends or is graded), never on an ordinary turn (a row's turn count is final once the
call ends; for an unfinished call the listing reads it from the call's file), so a turn costs the same with
10 or 10,000 stored calls, and listing reads one file instead of opening every call. Each file is replaced
atomically (temporary file, fsync, rename), so a kill leaves the old or the new version, never a mix; a
kill between a call file and its index row is healed on the next open from the pending marker. Writers
take the lock and re-read the index under it, so two processes never lose each other's calls, and a save
that would drop turns another process wrote is refused. A file that cannot be read is reported with its
path and left as it is; `Store.repair()` salvages what parses, after copying the bad files to backups/.
Older databases are upgraded on open by the functions in `migrations.py`, after a backup copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tinydb import TinyDB

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.errors import RoleplayError, UnknownIdError, field_problem
from roleplay.store.atomic_storage import (
    AtomicJSONStorage,
    BatchWriter,
    CorruptFile,
    encode_json,
    read_json_file,
    write_atomically,
)
from roleplay.store.layout import (
    Layout,
    call_document,
    call_file,
    call_id_problem,
    document_schema,
    index_rows,
    index_schema,
)
from roleplay.store.migrations import SCHEMA_VERSION, migrate, upgrade_document

if TYPE_CHECKING:
    from roleplay.store.repair import RepairReport

DEFAULT_LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for another process's lock before giving up (ROLEPLAY_LOCK_TIMEOUT overrides)."""


class StoreError(RoleplayError):
    """The store cannot do what was asked; the message is one line naming the file."""

    path: Path | None = None
    detail: str = ""
    """What is wrong with `path`, without the path and the advice (for reports that list many files)."""


class StoreCorrupt(StoreError):
    """A database file cannot be read; it is left untouched."""


class StoreLocked(StoreError):
    """Another process has held the store's lock for longer than the timeout."""


class StoreConflict(StoreError):
    """Saving would overwrite turns that another process stored."""


class StoreTooNew(StoreError):
    """The database was written by a newer roleplay, with a schema this one does not know."""


REPAIR_HINT = ("the file was left as it is; `roleplay list transcripts --read-only` shows what parses, "
               "`roleplay repair` salvages it after a backup copy")


def default_home() -> Path:
    """ROLEPLAY_HOME, or the platform's user data directory."""
    env = os.environ.get("ROLEPLAY_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("roleplay", appauthor=False))


def _lock_timeout_from_env() -> float:
    raw = os.environ.get("ROLEPLAY_LOCK_TIMEOUT")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"ROLEPLAY_LOCK_TIMEOUT={raw!r}: not a number of seconds") from None
    return max(value, 0.0)


ROW_FIELDS_NOT_KEPT_CURRENT = ("turns",)
"""Row fields that are written only with the others: `turns` is final once a call has ended; for an
unfinished call `list()` reads the live count from its file. So an ordinary turn never rewrites the index."""


def index_row(t: Transcript, overall: float | None) -> dict:
    """A call's row in index.json: fields that change when a call starts, ends or is graded (and `turns`)."""
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


class StoredCall:
    """A call file, read and checked: the transcript, its scorecard and its index row."""

    def __init__(self, path: Path, doc: dict, transcript: Transcript, scorecard: Scorecard | None, version: int):
        self.path, self.doc, self.transcript, self.scorecard = path, doc, transcript, scorecard
        self.version = version
        """The schema the file was written under (`doc` is already upgraded to the current one)."""

    @property
    def row(self) -> dict:
        return index_row(self.transcript, self.scorecard.overall if self.scorecard else None)


def _same_row(a: dict | None, b: dict | None) -> bool:
    """Whether two index rows agree on every field kept current on each save."""
    if a is None or b is None:
        return a is b
    drop = ROW_FIELDS_NOT_KEPT_CURRENT
    return {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


def _same_turns(stored: list, new: list[dict]) -> bool:
    """Whether the stored turns are the first turns of `new` (what was said, by whom)."""
    if len(stored) > len(new):
        return False
    return all(
        isinstance(old, dict) and old.get("speaker") == cur["speaker"] and old.get("text") == cur["text"]
        for old, cur in zip(stored, new)
    )


class Store:
    """Stored calls under one home directory.

    Nothing is read or written until first use. A read-write store upgrades an older database and heals
    an interrupted write when first used (`check()` does that up front). A read-only store never writes,
    never takes the lock, and lists and loads whatever parses, even when index.json does not.
    """

    def __init__(self, home: str | os.PathLike | None = None, read_only: bool = False, *,
                 lock_timeout: float | None = None):
        self.home = Path(home) if home else default_home()
        self.read_only = read_only
        self.layout = Layout(self.home)
        self.calls_dir = self.layout.calls
        self.lock_timeout = _lock_timeout_from_env() if lock_timeout is None else lock_timeout
        self.notices: list[str] = []
        """One-line news for the user: a migration done and where its backup is, an interrupted write healed."""
        self.problems: list[str] = []
        """Read-only listing: files that could not be read and were left out, one line each."""
        self._opened = False
        self._index_cache: dict[str, dict] = {}
        """The index row this process last saw for each call it saved: a turn that leaves it unchanged skips the index."""
        self._index_memo: tuple[tuple, dict] | None = None
        self._thread_lock = threading.RLock()
        self._lock_depth = 0

    # -- locking ---------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on the home, held while this process writes; re-entrant."""
        if self.read_only:
            raise StoreError(f"{self.home}: the store is open read-only")
        with self._thread_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            self._mkdir(self.home)
            path = self.layout.lock
            try:
                fh = open(path, "a+b")
            except OSError as exc:
                raise StoreError(f"{path}: cannot open the store's lock file ({exc.strerror or exc})") from None
            with fh:
                self._acquire(fh, path)
                self._lock_depth = 1
                try:
                    yield
                finally:
                    self._lock_depth = 0
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def _acquire(self, fh, path: Path) -> None:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                pass
            if time.monotonic() >= deadline:
                try:
                    holder = path.read_text(encoding="ascii", errors="replace").strip()
                except OSError:
                    holder = ""
                who = f"another roleplay process (pid {holder})" if holder.isdigit() else "another roleplay process"
                raise StoreLocked(
                    f"{path}: {who} has held the store's lock for {self.lock_timeout:g} s; let it finish or "
                    f"close it, then try again (ROLEPLAY_LOCK_TIMEOUT sets how long to wait)"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.02)
        # Name the holder for anyone who has to wait.
        fh.truncate(0)
        fh.write(f"{os.getpid()}\n".encode())
        fh.flush()

    def _mkdir(self, path: Path) -> None:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the directory ({exc.strerror or exc})") from None

    @contextmanager
    def _writing(self, what: Path) -> Iterator[None]:
        """Turn an OS error while writing into one line; the atomic write kept the previous version."""
        try:
            yield
        except OSError as exc:
            raise StoreError(
                f"{getattr(exc, 'filename', None) or what}: cannot write ({exc.strerror or exc}); "
                "the previous version was kept"
            ) from None

    # -- reading files ---------------------------------------------------------------------------

    def _corrupt(self, exc: CorruptFile) -> StoreCorrupt:
        err = StoreCorrupt(f"{exc}; {REPAIR_HINT}")
        err.path, err.detail = exc.path, exc.detail
        return err

    def _read(self, path: Path) -> dict | None:
        try:
            return read_json_file(path)
        except CorruptFile as exc:
            raise self._corrupt(exc) from None

    def _index_raw(self) -> dict | None:
        """index.json's tinydb JSON, re-parsed only when the file has been replaced since the last read."""
        path = self.layout.index
        try:
            st = path.stat()
        except FileNotFoundError:
            self._index_memo = None
            return None
        except OSError as exc:
            raise self._corrupt(CorruptFile(path, f"cannot be read ({exc.strerror or exc})")) from None
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._index_memo and self._index_memo[0] == key:
            return self._index_memo[1]
        raw = self._read(path)
        if raw is None:
            return None
        try:
            index_rows(raw, path)
            index_schema(raw, path)
        except CorruptFile as exc:
            raise self._corrupt(exc) from None
        self._index_memo = (key, raw)
        return raw

    def _call_path(self, call_id: str) -> Path:
        problem = call_id_problem(call_id)
        if problem:
            raise UnknownIdError(f"unknown call {call_id!r}: the id {problem}")
        return self.layout.call(call_id)

    def _read_call(self, path: Path) -> StoredCall | None:
        """A call file, upgraded to the current schema in memory and validated; None if there is none."""
        raw = self._read(path)
        if raw is None:
            return None
        try:
            doc = call_document(raw, path)
            version = document_schema(doc, path)
        except CorruptFile as exc:
            raise self._corrupt(exc) from None
        if version > SCHEMA_VERSION:
            err = StoreTooNew(f"{path}: written by a newer roleplay (schema {version}, this one knows "
                              f"{SCHEMA_VERSION}); upgrade roleplay to read it")
            err.path, err.detail = path, f"written by a newer roleplay (schema {version})"
            raise err
        doc = upgrade_document(path.stem, doc, version)
        try:
            transcript = Transcript.model_validate(doc["transcript"])
            scorecard = Scorecard.model_validate(doc["scorecard"]) if doc.get("scorecard") is not None else None
        except ValidationError as exc:
            raise self._corrupt(CorruptFile(path, f"not a valid call ({field_problem(exc)})")) from None
        if transcript.id != path.stem:
            raise self._corrupt(CorruptFile(path, f"holds call {transcript.id!r}, not {path.stem!r}"))
        return StoredCall(path, doc, transcript, scorecard, version)

    def _call(self, call_id: str) -> StoredCall:
        path = self._call_path(call_id)
        call = self._read_call(path)
        if call is None:
            raise UnknownIdError(f"unknown call '{call_id}' (see `roleplay list transcripts`)")
        return call

    def _scan(self) -> tuple[dict[str, StoredCall], dict[Path, str]]:
        """Every call file: those that read and validate, and those that do not with the reason (one line)."""
        good: dict[str, StoredCall] = {}
        bad: dict[Path, str] = {}
        for path in self.layout.call_files():
            try:
                call = self._read_call(path)
            except StoreError as exc:
                bad[path] = exc.detail or str(exc)
                continue
            if call is not None:
                good[path.stem] = call
        return good, bad

    # -- opening ---------------------------------------------------------------------------------

    def check(self) -> Store:
        """Open the database now: upgrade an older one and heal an interrupted write (read-write), or raise
        StoreCorrupt / StoreLocked / StoreTooNew with one line. Returns the store."""
        self._open()
        return self

    def _open(self) -> None:
        if self._opened:
            return
        if self.read_only:
            self._opened = True
            return
        raw = self._index_raw()
        if raw is not None:
            version = index_schema(raw, self.layout.index)
            if version > SCHEMA_VERSION:
                raise StoreTooNew(f"{self.layout.index}: written by a newer roleplay (schema {version}, this one "
                                  f"knows {SCHEMA_VERSION}); upgrade roleplay, or open the store read-only")
            if version < SCHEMA_VERSION:
                self._migrate()
        if self._has_entries(self.layout.pending) or self._has_entries(self.layout.tmp):
            self._heal()  # also creates the index when the very first save was interrupted
        if raw is None and not self.layout.index.exists():
            files = self.layout.call_files()
            if files:
                err = StoreCorrupt(f"{self.layout.index}: missing, but {self.calls_dir} holds {len(files)} "
                                   f"call files; `roleplay repair` rebuilds the index from them")
                err.path, err.detail = self.layout.index, "missing"
                raise err
        self._opened = True

    @staticmethod
    def _has_entries(path: Path) -> bool:
        try:
            with os.scandir(path) as it:
                return any(True for _ in it)
        except (FileNotFoundError, NotADirectoryError):
            return False

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    def _backup(self, label: str, files: list[Path]) -> Path:
        """Copy `files` (under the home) to a new backups/<time>-<label>/ directory, keeping their paths."""
        dest = self.layout.new_dir(self.layout.backups, label, self._now())
        for path in files:
            target = dest / path.relative_to(self.home)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        return dest

    def _migrate(self) -> None:
        with self._locked(), self._writing(self.layout.index):
            self._index_memo = None
            raw = self._index_raw()
            version = index_schema(raw, self.layout.index) if raw else SCHEMA_VERSION
            if version >= SCHEMA_VERSION:
                return  # another process upgraded it while this one waited for the lock
            files = [self.layout.index, *self.layout.call_files()]
            backup = self._backup(f"before-schema-{SCHEMA_VERSION}", files)
            try:
                db = migrate(self.layout, raw, version)
            except CorruptFile as exc:
                raise self._corrupt(exc) from None
            self._index_memo = None
            note = f"upgraded the store from schema {version} to {SCHEMA_VERSION}; the old files are in {backup}"
            if db.skipped:
                note += f" ({len(db.skipped)} unreadable call files left as they are; see `roleplay repair`)"
            self.notices.append(note)

    def _heal(self) -> None:
        """After a kill: drop stray temporaries and rebuild the index rows of calls marked pending."""
        with self._locked(), self._writing(self.layout.index):
            if self.layout.tmp.is_dir():
                for entry in os.scandir(self.layout.tmp):
                    os.unlink(entry.path)
            if not self.layout.pending.is_dir():
                return
            healed = []
            for entry in os.scandir(self.layout.pending):
                call_id = entry.name
                if call_id_problem(call_id) is None:
                    try:
                        call = self._read_call(self.layout.call(call_id))
                    except StoreError:
                        call = None  # unreadable: the row stays as it is until a repair
                        healed.append(call_id)
                    else:
                        self._put_row(call_id, call.row if call else None)
                        healed.append(call_id)
                os.unlink(entry.path)
            if healed:
                self.notices.append(f"finished {len(healed)} interrupted save(s) of the index")

    # -- for modules beside this one (reviews.py) ----------------------------------------------------

    def _db(self, path: Path) -> TinyDB:
        """A tinydb database on `path`, written atomically (under `_locked()`)."""
        return TinyDB(path, storage=AtomicJSONStorage, read_only=self.read_only, tmp_dir=self.layout.tmp)

    @contextmanager
    def _reporting_corruption(self) -> Iterator[None]:
        """Report a file that cannot be read as StoreCorrupt (one line, naming it)."""
        try:
            yield
        except CorruptFile as exc:
            raise self._corrupt(exc) from None

    # -- the index -------------------------------------------------------------------------------

    def _current_row(self, call_id: str) -> dict | None:
        raw = self._index_raw()
        if raw is None:
            return None
        for row in raw.get("calls", {}).values():
            if row.get("id") == call_id:
                return row
        return None

    def _update_index(self, rows: dict[str, dict | None]) -> None:
        """Set (None: remove) the index rows of these calls; the caller holds the lock.

        index.json stays a tinydb database, but is edited as its JSON here: a 10,000-row index is parsed
        at most once per change (not at all when this process wrote it last) and written once.
        """
        raw = self._index_raw() or {}
        table = dict(raw.get("calls", {}))
        where: dict[str, str] = {}
        for key, row in table.items():
            if row["id"] in rows:
                if row["id"] in where or rows[row["id"]] is None:
                    table[key] = None  # a duplicate row, or one to remove
                else:
                    where[row["id"]] = key
        next_key = max((int(k) for k in table if k.isdigit()), default=0) + 1
        for call_id, row in rows.items():
            if row is None:
                continue
            if call_id in where:
                table[where[call_id]] = row
            else:
                table[str(next_key)] = row
                next_key += 1
        data = dict(raw)
        data["calls"] = {k: v for k, v in table.items() if v is not None}
        if not raw.get("meta"):
            data["meta"] = {"1": {"schema": SCHEMA_VERSION}}
        self._index_memo = None
        write_atomically(self.layout.index, encode_json(data), tmp_dir=self.layout.tmp)
        st = self.layout.index.stat()
        self._index_memo = ((st.st_ino, st.st_size, st.st_mtime_ns), data)
        for call_id, row in rows.items():
            if row is None:
                self._index_cache.pop(call_id, None)
            else:
                self._index_cache[call_id] = row

    def _put_row(self, call_id: str, row: dict | None) -> None:
        """Set (or with None remove) a call's index row; the caller holds the lock."""
        current = self._current_row(call_id)
        if current == row:
            if row is not None:
                self._index_cache[call_id] = row
            return
        self._update_index({call_id: row})

    def _mark_pending(self, call_ids: list[str]) -> None:
        self._mkdir(self.layout.pending)
        for call_id in call_ids:
            (self.layout.pending / call_id).touch()
        fd = os.open(self.layout.pending, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _unmark_pending(self, call_ids: list[str]) -> None:
        for call_id in call_ids:
            try:
                os.unlink(self.layout.pending / call_id)
            except FileNotFoundError:
                pass

    # -- calls -----------------------------------------------------------------------------------

    def save(self, transcript: Transcript, scorecard: Scorecard | None = None) -> None:
        """Persist the call as it is now; called after every turn.

        Rewrites only the call's file, plus its index row when a listed field changed (the call started,
        ended or was graded). Without a scorecard, a stored one is kept. Raises StoreConflict rather than
        drop turns that another process stored for this call.
        """
        path = self._call_path(transcript.id)
        data = transcript.model_dump(mode="json")
        new_scorecard = scorecard.model_dump(mode="json") if scorecard is not None else None
        self._open()
        with self._locked(), self._writing(path):
            existing = self._read_call(path)
            if existing is None:
                self._index_cache.pop(transcript.id, None)  # a new file: check the index, whatever was cached
            else:
                self._check_no_conflict(existing, transcript, data)
                if new_scorecard is None and existing.doc.get("scorecard") is not None:
                    new_scorecard = existing.doc["scorecard"]
                    scorecard = existing.scorecard
            doc = {"schema": SCHEMA_VERSION, "transcript": data}
            if new_scorecard is not None:
                doc["scorecard"] = new_scorecard
            row = index_row(transcript, scorecard.overall if scorecard is not None else None)
            if not _same_row(self._index_cache.get(transcript.id), row):
                current = self._current_row(transcript.id)
                if _same_row(current, row):
                    self._index_cache[transcript.id] = current
            if _same_row(self._index_cache.get(transcript.id), row):
                write_atomically(path, encode_json(call_file(doc)), tmp_dir=self.layout.tmp)
                return
            # The row changes too: mark the call so that a kill between the two writes is healed on open.
            self._mark_pending([transcript.id])
            write_atomically(path, encode_json(call_file(doc)), tmp_dir=self.layout.tmp)
            self._put_row(transcript.id, row)
            self._unmark_pending([transcript.id])

    def _check_no_conflict(self, existing: StoredCall, transcript: Transcript, data: dict) -> None:
        stored = existing.doc["transcript"].get("turns") or []
        if not _same_turns(stored, data["turns"]):
            raise StoreConflict(
                f"{existing.path}: call {transcript.id} was changed by another roleplay process (its "
                f"{len(stored)} stored turns are not the ones this session has); it was not overwritten. "
                f"Continue the stored call with `roleplay resume {transcript.id}`"
            )
        if existing.transcript.outcome is not None and transcript.outcome is None:
            raise StoreConflict(
                f"{existing.path}: call {transcript.id} was ended by another roleplay process "
                f"({existing.transcript.outcome}); it was not overwritten"
            )

    def _add_calls(self, calls: list[tuple[Transcript, Scorecard | None]]) -> tuple[list[str], list[str]]:
        """Store calls that are not stored yet, all or none (short of a kill); returns (added, already stored).

        The call files are written in one batch and their rows in one index write; should either fail,
        the new files are removed again.
        """
        self._open()
        with self._locked(), self._writing(self.layout.index):
            raw = self._index_raw()
            listed = {r["id"] for r in index_rows(raw, self.layout.index)} if raw else set()
            new, present = [], []
            for transcript, scorecard in calls:
                path = self._call_path(transcript.id)
                (present if transcript.id in listed or path.exists() else new).append((transcript, scorecard))
            if not new:
                return [], [t.id for t, _ in present]
            ids = [t.id for t, _ in new]
            self._mark_pending(ids)
            batch = BatchWriter(self.layout.tmp)
            rows = []
            try:
                for transcript, scorecard in new:
                    doc = {"schema": SCHEMA_VERSION, "transcript": transcript.model_dump(mode="json")}
                    if scorecard is not None:
                        doc["scorecard"] = scorecard.model_dump(mode="json")
                    batch.put(self.layout.call(transcript.id), encode_json(call_file(doc)))
                    rows.append(index_row(transcript, scorecard.overall if scorecard else None))
                batch.commit()
                self._update_index({row["id"]: row for row in rows})
            except BaseException:
                batch.discard()
                for path in batch.written:
                    path.unlink(missing_ok=True)
                self._unmark_pending(ids)
                raise
            self._unmark_pending(ids)
            return ids, [t.id for t, _ in present]

    def load(self, call_id: str) -> Transcript:
        return self._call(call_id).transcript

    def scorecard(self, call_id: str) -> Scorecard | None:
        return self._call(call_id).scorecard

    def list(self) -> list[dict]:
        """Index rows of every stored call, newest first.

        Read-only, when index.json cannot be read: rows rebuilt from the call files that parse, with the
        files that do not named in `problems`.
        """
        self._open()
        if self.read_only:
            rows = self._read_only_rows()
        else:
            raw = self._index_raw()  # checked when it was read
            rows = list(raw.get("calls", {}).values()) if raw else []
        rows = [dict(r) for r in rows]
        for row in rows:
            if row.get("outcome") is None:
                row["turns"] = self._live_turns(row["id"])
        return sorted(rows, key=lambda r: r.get("started") or "", reverse=True)

    def _live_turns(self, call_id: str) -> int | None:
        """How many turns an unfinished call's file holds now (None if it cannot be read)."""
        if call_id_problem(call_id) is not None:
            return None
        path = self.layout.call(call_id)
        try:
            raw = read_json_file(path)
            turns = call_document(raw, path)["transcript"].get("turns") if raw else None
        except CorruptFile:
            return None
        return len(turns) if isinstance(turns, list) else None

    def _read_only_rows(self) -> list[dict]:
        self.problems = []
        try:
            raw = self._index_raw()
        except StoreCorrupt as exc:
            self.problems.append(f"{exc.path}: {exc.detail}")
            raw = None
        if raw is not None:
            return index_rows(raw, self.layout.index)
        good, bad = self._scan()
        self.problems += [f"{path}: {why}" for path, why in bad.items()]
        return [call.row for call in good.values()]

    def unfinished(self) -> list[dict]:
        """Index rows of calls with no outcome (interrupted, so resumable), newest first.

        `turns` is the live count from the call's file (None if it cannot be read).
        """
        return [r for r in self.list() if r.get("outcome") is None]

    def repair(self) -> RepairReport:
        """Salvage what parses: back up, rebuild index.json from the call files that read, quarantine the rest.

        Returns a RepairReport (see `roleplay.store.repair`).
        """
        from roleplay.store.repair import repair

        return repair(self)
