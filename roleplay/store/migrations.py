"""Schema versions of the store, and the plain list of functions that upgrade one version to the next.

The version lives in index.json's `meta` table (`{"schema": N}`); a database without one is version 1.
`MIGRATIONS[i]` upgrades version i+1 to i+2, so `SCHEMA_VERSION == len(MIGRATIONS) + 1`. To change the
shape of stored data, append a function; never edit one that has shipped. A migration must be
idempotent (running it again on upgraded data changes nothing), because a kill part-way through re-runs
the step on the next open.

A migration gets a `Database`: `rows`, the index rows (edit them in place, append or remove), and
`calls()` / `put_call()`, each readable call document. The same functions upgrade a whole store on disk
(on open, under the lock, after a backup copy) and a single call document in memory (read-only access,
repair, and a call file that could not be read when the store was migrated).

Version history:
    1  index rows {id, scenario, rep, started, ended, outcome, overall, turns, engine, model} (some
       also `persona`); call documents {transcript, scorecard?}.
    2  call documents carry `schema`; index rows always carry `persona`. (`turns` in a row is now the
       count when the row was last written: final once the call has ended; listing reads the live count
       of unfinished calls from their files, so a turn never has to rewrite index.json.)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path

from roleplay.store.atomic_storage import BatchWriter, CorruptFile, encode_json, read_json_file, write_atomically
from roleplay.store.layout import Layout, call_document, call_file, index_file, index_rows


class Database:
    """What a migration sees: the index rows and the call documents."""

    rows: list[dict]

    def calls(self) -> Iterator[tuple[str, dict]]:
        """(call id, call document) for every readable call; documents may be edited, then put back."""
        raise NotImplementedError

    def put_call(self, call_id: str, doc: dict) -> None:
        raise NotImplementedError


def m002_call_schema_and_row_persona(db: Database) -> None:
    """v2: call documents record their `schema`; index rows carry `persona` (copied from the call)."""
    personas = {}
    for call_id, doc in db.calls():
        personas[call_id] = doc["transcript"].get("persona")
        if doc.get("schema") != 2:
            doc["schema"] = 2
            db.put_call(call_id, doc)
    for row in db.rows:
        if row.get("persona") is None:
            row["persona"] = personas.get(row["id"])


MIGRATIONS: list[Callable[[Database], None]] = [
    m002_call_schema_and_row_persona,
]

SCHEMA_VERSION = len(MIGRATIONS) + 1


class MemoryDatabase(Database):
    """A database held in memory: upgrades single call documents without touching any file."""

    def __init__(self, rows: list[dict] | None = None, calls: dict[str, dict] | None = None):
        self.rows = rows or []
        self.docs = dict(calls or {})

    def calls(self) -> Iterator[tuple[str, dict]]:
        yield from list(self.docs.items())

    def put_call(self, call_id: str, doc: dict) -> None:
        self.docs[call_id] = doc


def upgrade_document(call_id: str, doc: dict, version: int) -> dict:
    """`doc` (written under schema `version`) in the current shape; the argument is not changed."""
    if version >= SCHEMA_VERSION:
        return doc
    db = MemoryDatabase(calls={call_id: copy.deepcopy(doc)})
    for step in MIGRATIONS[version - 1:]:
        step(db)
    return db.docs[call_id]


class DiskDatabase(Database):
    """A store's files as a Database: call documents are read lazily; writes wait for `commit`."""

    def __init__(self, layout: Layout, raw_index: dict):
        self.layout = layout
        self.raw_index = raw_index
        self.rows = index_rows(raw_index, layout.index)
        self.skipped: dict[Path, str] = {}
        """Call files that could not be read, left as they are (repair deals with them)."""
        self._batch = BatchWriter(layout.tmp)

    def calls(self) -> Iterator[tuple[str, dict]]:
        for path in self.layout.call_files():
            try:
                raw = read_json_file(path)
                if raw is None:
                    continue
                doc = call_document(raw, path)
            except CorruptFile as exc:
                self.skipped[path] = exc.detail
                continue
            yield path.stem, doc

    def put_call(self, call_id: str, doc: dict) -> None:
        self._batch.put(self.layout.call(call_id), encode_json(call_file(doc)))

    def commit(self, schema: int) -> None:
        """Write the changed call files, then the index recording `schema` (last, so a kill re-runs the step)."""
        self._batch.commit()
        extra = {k: v for k, v in self.raw_index.items() if k not in ("calls", "meta")}
        self.raw_index = index_file(self.rows, schema, extra)
        write_atomically(self.layout.index, encode_json(self.raw_index), tmp_dir=self.layout.tmp)

    def discard(self) -> None:
        self._batch.discard()


def migrate(layout: Layout, raw_index: dict, version: int) -> DiskDatabase:
    """Upgrade the store from `version` to SCHEMA_VERSION, one committed step at a time.

    The caller holds the lock and has made a backup copy.
    """
    db = DiskDatabase(layout, raw_index)
    try:
        for target, step in enumerate(MIGRATIONS[version - 1:], start=version + 1):
            step(db)
            db.commit(target)
    finally:
        db.discard()
    return db
