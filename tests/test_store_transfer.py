"""Export calls to JSON and import them elsewhere; malformed input is refused with one line and stores nothing."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import home_snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roleplay.domain.scorecard import DimensionScore, EvidenceItem, Scorecard
from roleplay.domain.transcript import Transcript, Turn
from roleplay.errors import RoleplayError, UnknownIdError
from roleplay.store import Store
from roleplay.store.transfer import ImportRefused, export_calls, import_calls

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def _call(i: int, rep: str, outcome=None) -> Transcript:
    t = Transcript(id=f"2025030{i}-0900-path_1_acceptor-{i:04x}", scenario="path_1_acceptor",
                   persona="junior_acceptor", rep=rep, started=T0 + timedelta(days=i), outcome=outcome,
                   language="zh" if i == 2 else "en")
    t.turns = [Turn(speaker="client", text="你好，有什么事？" if i == 2 else "Hello?", at=T0),
               Turn(speaker="rep", text=f"Question {i}", at=T0 + timedelta(seconds=5))]
    return t


CARD = Scorecard(overall=64.5, grader_version="1", rubric="default", rubric_hash="abc", language="en",
                 dimensions={"discovery": DimensionScore(score=3.0, evidence=[EvidenceItem(turn=2, rule="spin",
                                                                                            effect=1.0)])})


def _fill(store: Store) -> None:
    store.save(_call(1, "ana", "advance"), CARD)
    store.save(_call(2, "ben", "referral"))
    store.save(_call(3, "ana"))  # unfinished


@pytest.fixture
def source(tmp_path) -> Store:
    store = Store(tmp_path / "source")
    _fill(store)
    return store


def test_export_then_import_restores_every_call_and_scorecard(source, tmp_path):
    text = export_calls(source)
    target = Store(tmp_path / "target")
    report = import_calls(target, text)
    assert sorted(report.imported) == sorted(r["id"] for r in source.list()) and not report.skipped
    assert target.list() == source.list()
    for row in source.list():
        assert target.load(row["id"]) == source.load(row["id"])
        assert target.scorecard(row["id"]) == source.scorecard(row["id"])
    assert [r["id"] for r in target.unfinished()] == [_call(3, "ana").id]
    assert "imported 3 calls" in report.summary()


def test_export_selects_by_ids_by_fields_or_by_a_function(source):
    ids = lambda text: [c["transcript"]["id"] for c in json.loads(text)["calls"]]  # noqa: E731
    assert ids(export_calls(source, [_call(2, "").id, _call(1, "").id])) == [_call(2, "").id, _call(1, "").id]
    assert ids(export_calls(source, _call(2, "").id)) == [_call(2, "").id]
    assert ids(export_calls(source, {"rep": "ana"})) == [_call(3, "").id, _call(1, "").id]
    assert ids(export_calls(source, lambda row: row["outcome"] is not None)) == [_call(2, "").id, _call(1, "").id]
    with pytest.raises(UnknownIdError):
        export_calls(source, ["no-such-call"])


def test_calls_already_stored_or_repeated_are_skipped_and_reported(source, tmp_path):
    text = export_calls(source)
    target = Store(tmp_path / "target")
    import_calls(target, export_calls(source, [_call(1, "").id]))
    report = import_calls(target, text)
    assert report.skipped == {_call(1, "").id: "already stored"}
    assert sorted(report.imported) == sorted([_call(2, "").id, _call(3, "").id])

    data = json.loads(export_calls(source, [_call(2, "").id]))
    data["calls"].append(data["calls"][0])
    again = Store(tmp_path / "again")
    report = import_calls(again, json.dumps(data))
    assert report.imported == [_call(2, "").id] and report.skipped == {_call(2, "").id: "repeated in the file"}
    assert "repeated in the file" in report.summary()


def _refused(store: Store, text) -> str:
    before = home_snapshot(store.home)
    with pytest.raises(RoleplayError) as exc:
        import_calls(store, text)
    assert isinstance(exc.value, ImportRefused), repr(exc.value)
    message = str(exc.value)
    assert "\n" not in message and message.startswith("import: ") and "nothing was imported" in message
    assert home_snapshot(store.home) == before
    return message


def test_a_bad_field_is_named_with_its_item_and_nothing_is_stored(source, tmp_path):
    data = json.loads(export_calls(source))
    data["calls"][1]["transcript"]["turns"][0]["speaker"] = "robot"
    target = Store(tmp_path / "target")
    target.save(_call(7, "zoe"))
    message = _refused(target, json.dumps(data))
    assert f"call 2 of 3 ('{data['calls'][1]['transcript']['id']}')" in message
    assert "transcript.turns[0].speaker" in message and "'rep' or 'client'" in message


@pytest.mark.parametrize("text, expected", [
    ("", "not valid JSON"),
    ("{\"format\": \"roleplay-calls\", ", "not valid JSON"),
    ("[]", "expected a roleplay export"),
    ('{"format": "something-else", "version": 1, "calls": []}', "format"),
    ('{"format": "roleplay-calls", "version": 7, "calls": []}', "version"),
    ('{"format": "roleplay-calls", "version": 1, "calls": [{"transcript": {"id": "../x"}}]}', "transcript.id"),
    ('{"format": "roleplay-calls", "version": 1, "calls": [{"transcript": {"id": "a"}, "extra": 1}]}', "extra"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_malformed_files_get_one_clear_line(tmp_path, text, expected):
    assert expected in _refused(Store(tmp_path / "target"), text)


# -- hypothesis: whatever the input, a clear refusal or a complete import ----------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory) -> str:
    store = Store(tmp_path_factory.mktemp("export") / "home")
    _fill(store)
    return export_calls(store)


@pytest.fixture
def target(tmp_path) -> Store:
    store = Store(tmp_path / "target")
    store.save(_call(8, "zoe"))
    return store


@FUZZ
@given(text=st.text(max_size=200))
def test_random_text_is_refused_cleanly(target, text):
    _refused(target, text)


@FUZZ
@given(value=json_values)
def test_random_json_is_refused_cleanly(target, value):
    _refused(target, json.dumps(value))


@FUZZ
@given(data=st.data())
def test_a_truncated_export_is_refused_cleanly(target, valid_export, data):
    cut = data.draw(st.integers(0, len(valid_export.rstrip()) - 1))
    _refused(target, valid_export[:cut])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


@FUZZ
@given(data=st.data())
def test_a_mutated_export_is_imported_completely_or_refused_cleanly(valid_export, data):
    doc = json.loads(valid_export)
    path = data.draw(st.sampled_from([p for p in _paths(doc) if p]))
    action = data.draw(st.sampled_from(["delete", "replace", "wrap"]))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = data.draw(json_values)
    else:
        parent[key] = [parent[key]]
    text = json.dumps(doc)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "home")
        store.save(_call(8, "zoe"))
        before = home_snapshot(store.home)
        try:
            report = import_calls(store, text)
        except RoleplayError as exc:
            assert isinstance(exc, ImportRefused), repr(exc)
            assert "\n" not in str(exc) and str(exc).startswith("import: ")
            assert home_snapshot(store.home) == before
            return
        listed = {r["id"] for r in Store(store.home).list()}
        assert listed == {_call(8, "").id, *report.imported}
        for call_id in report.imported:
            Store(store.home).load(call_id)
