"""Every turn is stored as it happens, only in the call's own file; unfinished calls are listed as resumable."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript, Turn
from roleplay.errors import UnknownIdError
from roleplay.session import CallSession
from roleplay.store import Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
CARD = Scorecard(overall=58.0, dimensions={}, grader_version="1", rubric="default", rubric_hash="x", language="en")


def _call(call_id: str, hours: int = 0) -> Transcript:
    return Transcript(id=call_id, scenario="path_1_acceptor", persona="junior_acceptor", started=T0 + timedelta(hours=hours))


def _stamp(path):
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, path.read_bytes()


def test_an_ordinary_turn_rewrites_only_the_calls_own_file(tmp_path):
    home = tmp_path / "home"
    store = Store(home)
    other = _call("other", 1)
    other.turns.append(Turn(speaker="client", text="hi"))
    store.save(other)
    t = _call("talking")
    t.turns.append(Turn(speaker="client", text="Hello?"))
    store.save(t)  # a new call: its row is added
    index, other_file = home / "index.json", home / "calls" / "other.json"
    before = _stamp(index), _stamp(other_file)
    for n in range(5):
        t.turns.append(Turn(speaker="rep", text=f"question {n}"))
        Store(home).save(t) if n == 2 else store.save(t)  # a fresh Store (a resumed session) too
        assert len(Store(home).load("talking").turns) == n + 2
    assert (_stamp(index), _stamp(other_file)) == before
    assert Store(home).unfinished()[-1]["turns"] == 6  # the live count, read from the call's file

    t.outcome, t.ended = "advance", T0 + timedelta(minutes=5)
    store.save(t)  # the call ends: its row changes once more
    row = next(r for r in Store(home).list() if r["id"] == "talking")
    assert row["outcome"] == "advance" and row["turns"] == 6
    assert _stamp(other_file) == before[1]


def test_a_session_stores_each_turn_and_an_interrupted_call_is_resumable(tmp_path, library):
    home = tmp_path / "home"
    session = CallSession(library, "path_1_acceptor", store=Store(home), rep="ana")
    session.start()
    session.send("Thanks for your time. How do you plan maintenance today?")
    # The process dies here; the next run finds the call.
    store = Store(home)
    [row] = store.unfinished()
    assert row["id"] == session.transcript.id and row["rep"] == "ana" and row["turns"] == 3
    resumed = CallSession.resume(library, store.load(row["id"]), store=store)
    resumed.send("What happens when a machine stops without warning?")
    resumed.end()
    assert Store(home).unfinished() == []
    assert Store(home).list()[0]["outcome"] is not None


def test_a_scorecard_is_kept_by_later_saves_and_listed(tmp_path):
    store = Store(tmp_path / "home")
    t = _call("graded")
    t.outcome = "referral"
    store.save(t, CARD)
    store.save(t)
    assert store.scorecard("graded").overall == 58.0
    assert store.list()[0]["overall"] == 58.0


def test_list_is_newest_first_and_empty_for_a_new_home(tmp_path):
    home = tmp_path / "home"
    assert Store(home).list() == [] and Store(home).unfinished() == []
    assert not home.exists()  # looking does not create anything
    store = Store(home)
    for i, call_id in enumerate(["old", "newest", "middle"]):
        store.save(_call(call_id, hours={"old": 0, "newest": 9, "middle": 3}[call_id]))
    assert [r["id"] for r in store.list()] == ["newest", "middle", "old"]


@pytest.mark.parametrize("bad", ["", "../escape", ".hidden", "a/b", "nul\x00", "x" * 200, "call.review"])
def test_an_id_that_cannot_name_a_file_is_refused(tmp_path, bad):
    with pytest.raises(UnknownIdError):
        Store(tmp_path / "home").load(bad)
    with pytest.raises(UnknownIdError):
        Store(tmp_path / "home").save(_call(bad))


def test_text_that_utf8_cannot_carry_is_still_stored(tmp_path):
    store = Store(tmp_path / "home")
    t = _call("odd-text")
    t.turns.append(Turn(speaker="rep", text="pasted \udc80 byte"))
    store.save(t)
    assert Store(tmp_path / "home").load("odd-text").turns[0].text == "pasted \udc80 byte"
