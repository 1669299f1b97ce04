"""A damaged file is reported with its path and left as it is; read-only access and repair save what parses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript, Turn
from roleplay.errors import RoleplayError
from roleplay.store import Store, StoreCorrupt
from roleplay.store.store import StoreError, StoreTooNew

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
IDS = ["call-a", "call-b", "call-c"]


def _call(i: int, call_id: str) -> Transcript:
    t = Transcript(id=call_id, scenario="path_1_acceptor", persona="junior_acceptor", rep="ana",
                   started=T0 + timedelta(hours=i), outcome="referral")
    t.turns = [Turn(speaker="client", text="Hello?"), Turn(speaker="rep", text=f"Question {i}")]
    return t


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    store = Store(home)
    for i, call_id in enumerate(IDS):
        store.save(_call(i, call_id))
    card = Scorecard(overall=72.0, dimensions={}, grader_version="1", rubric="default", rubric_hash="x",
                     language="en")
    store.save(store.load("call-a"), card)
    return home


def _truncate(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


DAMAGE = {
    "truncated": _truncate,
    "garbage": lambda raw: bytes(range(256)) * 3,
    "empty": lambda raw: b"",
    "not an object": lambda raw: b"[1, 2, 3]",
    "wrong shape": lambda raw: raw.replace(b'"speaker":"rep"', b'"speaker":"robot"'),
}


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert isinstance(exc, RoleplayError)
    assert "\n" not in message and message.strip()
    return message


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_call_file_is_named_and_left_untouched(home, kind):
    path = home / "calls" / "call-b.json"
    damaged = DAMAGE[kind](path.read_bytes())
    path.write_bytes(damaged)
    store = Store(home)

    with pytest.raises(StoreCorrupt) as exc:
        store.load("call-b")
    assert str(path) in _one_line(exc.value) and "roleplay repair" in str(exc.value)

    t = _call(1, "call-b")
    t.turns.append(Turn(speaker="client", text="more"))
    with pytest.raises(StoreCorrupt):
        store.save(t)
    assert path.read_bytes() == damaged

    # The rest of the store still works, read-write and read-only.
    assert {r["id"] for r in store.list()} == set(IDS)
    assert store.load("call-a").turns[1].text == "Question 0"
    reader = Store(home, read_only=True)
    assert {r["id"] for r in reader.list()} == set(IDS)
    assert reader.scorecard("call-a").overall == 72.0
    assert path.read_bytes() == damaged


@pytest.mark.parametrize("kind", list(DAMAGE)[:4])
def test_a_damaged_index_is_named_untouched_and_read_only_access_lists_the_calls(home, kind):
    index = home / "index.json"
    damaged = DAMAGE[kind](index.read_bytes())
    index.write_bytes(damaged)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != ".lock"}

    with pytest.raises(StoreCorrupt) as exc:
        Store(home).list()
    assert str(index) in _one_line(exc.value)
    with pytest.raises(StoreCorrupt):
        Store(home).save(_call(9, "call-new"))
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != ".lock"}
    assert after == before

    reader = Store(home, read_only=True)
    rows = reader.list()
    assert [r["id"] for r in rows] == ["call-c", "call-b", "call-a"]  # newest first
    assert next(r for r in rows if r["id"] == "call-a")["overall"] == 72.0
    assert reader.problems and str(index) in reader.problems[0]
    assert reader.load("call-b").turns[1].text == "Question 1"
    with pytest.raises(StoreError):
        reader.save(_call(9, "call-new"))
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != ".lock"} == before


def test_read_only_lists_what_parses_when_index_and_a_call_are_both_damaged(home):
    (home / "index.json").write_bytes(b"{\"calls\": {\"1\": ")
    (home / "calls" / "call-c.json").write_bytes(b"\x00\x01garbage")
    reader = Store(home, read_only=True)
    assert {r["id"] for r in reader.list()} == {"call-a", "call-b"}
    assert any("call-c.json" in p for p in reader.problems)
    with pytest.raises(StoreCorrupt):
        reader.load("call-c")


def test_repair_backs_up_rebuilds_the_index_and_quarantines_what_does_not_parse(home):
    index, bad = home / "index.json", home / "calls" / "call-c.json"
    index.write_bytes(b'{"calls": {"1": {"id": "call-a", "scen')
    bad.write_bytes(b'{"call": {"1": {"transcript": {"id": "call-c", "turns": [{"speaker": "rep", "te')
    index_bytes, bad_bytes = index.read_bytes(), bad.read_bytes()

    report = Store(home).repair()

    assert report.backup.parent == home / "backups"
    assert (report.backup / "index.json").read_bytes() == index_bytes
    assert (report.backup / "calls" / "call-c.json").read_bytes() == bad_bytes
    [(moved, why)] = report.quarantined.items()
    assert moved.parent.parent == home / "quarantine" and moved.read_bytes() == bad_bytes and "JSON" in why
    assert not bad.exists()
    assert sorted(report.kept) == ["call-a", "call-b"]
    assert report.index_problem and "JSON" in report.index_problem
    summary = report.summary()
    assert str(report.backup) in summary and "call-c.json" in summary

    store = Store(home)
    rows = {r["id"]: r for r in store.list()}
    assert set(rows) == {"call-a", "call-b"}
    assert rows["call-a"]["overall"] == 72.0 and rows["call-a"]["outcome"] == "referral"
    assert store.load("call-b").turns[1].text == "Question 1"
    store.save(_call(5, "call-d"))  # writable again
    assert Store(home).repair().changed is False


def test_repair_drops_rows_without_a_call_file_and_adds_calls_missing_from_the_index(home):
    (home / "calls" / "call-a.json").unlink()
    raw = json.loads((home / "index.json").read_text())
    raw["calls"] = {k: v for k, v in raw["calls"].items() if v["id"] != "call-b"}
    (home / "index.json").write_text(json.dumps(raw))
    report = Store(home).repair()
    assert report.dropped == ["call-a"] and report.added == ["call-b"]
    assert {r["id"] for r in Store(home).list()} == {"call-b", "call-c"}


def test_repair_leaves_trainer_notes_beside_a_call_alone(home):
    notes = home / "calls" / "call-a.review.json"
    notes.write_text('{"review": {"1": {"call_id": "call-a", "revision": 1}}}')
    report = Store(home).repair()
    assert not report.quarantined and notes.exists()
    assert {r["id"] for r in Store(home).list()} == set(IDS)


def test_a_missing_index_with_calls_present_is_reported_not_replaced(home):
    (home / "index.json").unlink()
    with pytest.raises(StoreCorrupt) as exc:
        Store(home).list()
    assert "repair" in _one_line(exc.value)
    assert not (home / "index.json").exists()
    Store(home).repair()
    assert {r["id"] for r in Store(home).list()} == set(IDS)


def test_a_database_from_a_newer_roleplay_is_refused_clearly_but_readable(home):
    index = home / "index.json"
    raw = json.loads(index.read_text())
    raw["meta"] = {"1": {"schema": 99}}
    index.write_text(json.dumps(raw))
    with pytest.raises(StoreTooNew) as exc:
        Store(home).list()
    assert "schema 99" in _one_line(exc.value) and str(index) in str(exc.value)
    assert len(Store(home, read_only=True).list()) == 3
