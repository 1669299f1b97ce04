"""Salvage a damaged store: back up, rebuild index.json from the call files that read, quarantine the rest."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.store.atomic_storage import BatchWriter, CorruptFile, encode_json, read_json_file, write_atomically
from roleplay.store.layout import call_file, index_file, index_rows
from roleplay.store.migrations import SCHEMA_VERSION

if TYPE_CHECKING:
    from roleplay.store.store import Store


def _n(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}s"


@dataclass
class RepairReport:
    """What `Store.repair()` did."""

    home: Path
    backup: Path
    """Where copies of index.json, the unreadable files and any upgraded files were put before anything changed."""
    kept: list[str] = field(default_factory=list)
    """Ids of the calls whose files read; the rebuilt index lists exactly these."""
    quarantined: dict[Path, str] = field(default_factory=dict)
    """Unreadable call files, by where they were moved (out of calls/), with the reason."""
    dropped: list[str] = field(default_factory=list)
    """Ids the old index listed with no call file behind them."""
    added: list[str] = field(default_factory=list)
    """Ids of readable call files the old index did not list."""
    index_problem: str | None = None
    """What was wrong with index.json, or None if it read fine."""
    upgraded: int = 0
    """Call files rewritten in the current schema."""

    @property
    def changed(self) -> bool:
        return bool(self.quarantined or self.dropped or self.added or self.index_problem or self.upgraded)

    def lines(self) -> list[str]:
        """A summary line, then one line per quarantined file or dropped row."""
        if not self.changed:
            head = f"{self.home}: nothing to repair; {_n(len(self.kept), 'call')} read fine"
        else:
            parts = [f"{_n(len(self.kept), 'call')} kept"]
            if self.index_problem:
                parts.append(f"index.json rebuilt (it was {self.index_problem})")
            if self.quarantined:
                parts.append(f"{_n(len(self.quarantined), 'unreadable file')} moved to "
                             f"{next(iter(self.quarantined)).parent}")
            if self.added and not self.index_problem:
                parts.append(f"{_n(len(self.added), 'call')} missing from the index added")
            if self.dropped:
                parts.append(f"{_n(len(self.dropped), 'index row')} without a call file dropped")
            if self.upgraded:
                parts.append(f"{_n(self.upgraded, 'call file')} upgraded to schema {SCHEMA_VERSION}")
            head = f"repaired {self.home}: " + ", ".join(parts) + f"; copies of the old files are in {self.backup}"
        return [head] + [f"  quarantined {p}: {why}" for p, why in self.quarantined.items()] + [
            f"  dropped {call_id}: no call file" for call_id in self.dropped
        ]

    def summary(self) -> str:
        return "\n".join(self.lines())


def repair(store: Store) -> RepairReport:
    """Back up, then rebuild index.json from the call files that read and quarantine the ones that do not.

    Nothing is deleted: the old index.json, each unreadable file and each file rewritten in a newer schema
    are first copied to backups/<time>-repair/, and unreadable files are moved to quarantine/<time>-repair/.
    """
    from roleplay.store.store import StoreError

    if store.read_only:
        raise StoreError(f"{store.home}: repair needs write access; open the store without read-only")
    layout = store.layout
    with store._locked(), store._writing(layout.index):
        index_problem = None
        old_rows: list[dict] = []
        old_raw: dict | None = None
        try:
            old_raw = read_json_file(layout.index)
            if old_raw is not None:
                old_rows = index_rows(old_raw, layout.index)
        except CorruptFile as exc:
            index_problem, old_raw = exc.detail, None
        good, bad = store._scan()
        if old_raw is None and index_problem is None and good:
            index_problem = "missing"
        outdated = [call for call in good.values() if call.version < SCHEMA_VERSION]

        to_copy = ([layout.index] if layout.index.exists() else []) + list(bad) + [c.path for c in outdated]
        report = RepairReport(store.home, store._backup("repair", to_copy), index_problem=index_problem)

        if bad:
            quarantine = layout.new_dir(layout.quarantine, "repair", store._now())
            for path, why in bad.items():
                target = quarantine / path.name
                os.replace(path, target)
                report.quarantined[target] = why

        batch = BatchWriter(layout.tmp)
        try:
            for call in outdated:
                batch.put(call.path, encode_json(call_file(call.doc)))
            batch.commit()
        finally:
            batch.discard()
        report.upgraded = len(outdated)

        calls = sorted(good.values(), key=lambda c: c.row.get("started") or "")
        report.kept = [c.transcript.id for c in calls]
        extra = {k: v for k, v in (old_raw or {}).items() if k not in ("calls", "meta")}
        write_atomically(layout.index, encode_json(index_file([c.row for c in calls], SCHEMA_VERSION, extra)),
                         tmp_dir=layout.tmp)
        quarantined_ids = {p.stem for p in bad}
        report.dropped = [r["id"] for r in old_rows if r["id"] not in good and r["id"] not in quarantined_ids]
        listed = {r["id"] for r in old_rows}
        report.added = [call_id for call_id in report.kept if call_id not in listed]

        for debris in (layout.tmp, layout.pending):
            if debris.is_dir():
                for entry in os.scandir(debris):
                    os.unlink(entry.path)
        store._index_memo = None
        store._index_cache.clear()
        store._opened = True
    return report
