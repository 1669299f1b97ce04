"""A version-1 database (tests/fixtures/store_v1) is upgraded on open, after a backup, and keeps every call.

The fixture was written by the first store (commit 03a1bb4: `roleplay run` of path_1_acceptor and
price_bargaining, and a path_3_power_holder call interrupted after two rep turns). The price_bargaining
call was then given the scorecard the v1 store would have saved (graded by the current grader), and
`persona` was removed from two index rows, as rows of the oldest v1 files lacked it.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from roleplay.domain.transcript import Turn
from roleplay.session import CallSession
from roleplay.store import Store
from roleplay.store.migrations import MIGRATIONS, SCHEMA_VERSION, DiskDatabase, MemoryDatabase

FIXTURE = Path(__file__).parent / "fixtures" / "store_v1"
ENDED = "20261130-110053-path_1_acceptor-9cf2"
GRADED = "20261130-110054-price_bargaining-d243"
UNFINISHED = "20261130-110058-path_3_power_holder-9c53"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def v1_home(tmp_path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(FIXTURE, home)
    return home


def test_the_fixture_is_version_1():
    raw = json.loads((FIXTURE / "index.json").read_text())
    assert "meta" not in raw
    assert {"turns"} <= set(raw["calls"]["1"]) and "persona" not in raw["calls"]["2"]
    for path in (FIXTURE / "calls").glob("*.json"):
        assert "schema" not in json.loads(path.read_text())["call"]["1"]
    assert SCHEMA_VERSION == 2


def test_opening_a_v1_store_upgrades_it_after_a_backup(v1_home):
    original = _files(v1_home)
    store = Store(v1_home)
    rows = {r["id"]: r for r in store.list()}

    assert set(rows) == {ENDED, GRADED, UNFINISHED}
    assert {r["persona"] for r in rows.values()} == {"junior_acceptor", "price_buyer", "busy_executive"}
    assert rows[GRADED]["overall"] == 81.1 and rows[GRADED]["turns"] == 15
    assert store.scorecard(GRADED).overall == 81.1
    assert len(store.load(ENDED).turns) == 13 and store.load(ENDED).outcome == "referral"
    assert [r["id"] for r in store.unfinished()] == [UNFINISHED]
    assert store.unfinished()[0]["turns"] == 5

    raw = json.loads((v1_home / "index.json").read_text())
    assert raw["meta"] == {"1": {"schema": SCHEMA_VERSION}}
    for path in (v1_home / "calls").glob("*.json"):
        assert json.loads(path.read_text())["call"]["1"]["schema"] == SCHEMA_VERSION

    [backup] = (v1_home / "backups").iterdir()
    assert _files(backup) == {k: v for k, v in original.items() if k != ".lock"}
    assert any(str(backup) in note for note in store.notices)

    # Opening again changes nothing and takes no second backup.
    upgraded = _files(v1_home)
    assert len(Store(v1_home).list()) == 3
    assert _files(v1_home) == upgraded


def test_read_only_access_to_a_v1_store_reads_it_without_changing_it(v1_home):
    original = _files(v1_home)
    reader = Store(v1_home, read_only=True)
    assert len(reader.list()) == 3
    assert reader.scorecard(GRADED).overall == 81.1
    assert reader.load(UNFINISHED).outcome is None
    assert _files(v1_home) == original


def test_an_interrupted_v1_call_can_be_resumed_after_the_upgrade(v1_home, library):
    store = Store(v1_home)
    [row] = store.unfinished()
    session = CallSession.resume(library, store.load(row["id"]), store=store)
    session.send("How does the board see the cost of those outages?")
    reopened = Store(v1_home).load(row["id"])
    assert len(reopened.turns) == 7 and reopened.turns[5].text.startswith("How does the board")


def test_a_migration_killed_half_way_is_finished_on_the_next_open(v1_home, monkeypatch):
    real_commit = DiskDatabase.commit

    def commit_then_die(self, schema):
        self._batch.commit()  # the call files are upgraded, the index still says version 1
        raise KeyboardInterrupt

    monkeypatch.setattr(DiskDatabase, "commit", commit_then_die)
    with pytest.raises(KeyboardInterrupt):
        Store(v1_home).list()
    monkeypatch.setattr(DiskDatabase, "commit", real_commit)
    assert "meta" not in json.loads((v1_home / "index.json").read_text())

    rows = {r["id"]: r for r in Store(v1_home).list()}
    assert rows[GRADED]["persona"] == "price_buyer"
    assert json.loads((v1_home / "index.json").read_text())["meta"]["1"]["schema"] == SCHEMA_VERSION


def test_every_migration_is_idempotent():
    raw_index = json.loads((FIXTURE / "index.json").read_text())
    docs = {p.stem: json.loads(p.read_text())["call"]["1"] for p in (FIXTURE / "calls").glob("*.json")}
    once = MemoryDatabase(copy.deepcopy(list(raw_index["calls"].values())), copy.deepcopy(docs))
    for step in MIGRATIONS:
        step(once)
    twice = copy.deepcopy(once)
    for step in MIGRATIONS:
        step(twice)
    assert twice.rows == once.rows and twice.docs == once.docs


def test_a_v1_call_file_that_missed_the_upgrade_still_loads_and_saves(v1_home):
    Store(v1_home).list()
    path = v1_home / "calls" / f"{UNFINISHED}.json"
    shutil.copy(FIXTURE / "calls" / path.name, path)  # e.g. restored by hand from the backup
    store = Store(v1_home)
    t = store.load(UNFINISHED)
    t.turns.append(Turn(speaker="rep", text="One more question."))
    store.save(t)
    assert json.loads(path.read_text())["call"]["1"]["schema"] == SCHEMA_VERSION
