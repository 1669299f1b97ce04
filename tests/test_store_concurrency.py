"""Two processes on one ROLEPLAY_HOME never lose each other's work, and a long-held lock gets a clear message."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from roleplay.domain.transcript import Transcript, Turn
from roleplay.errors import RoleplayError
from roleplay.store import Store
from roleplay.store.store import StoreConflict, StoreLocked

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from datetime import datetime, timezone
    from roleplay.domain.transcript import Transcript, Turn
    from roleplay.store import Store

    home, name, turns = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = Store(home)
    t = Transcript(id=f"call-{name}", scenario="path_1_acceptor", rep=name,
                   started=datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc))
    while not (home / "go").exists():  # start together
        time.sleep(0.001)
    for n in range(turns):
        t.turns.append(Turn(speaker="rep" if n % 2 else "client", text=f"{name} {n}"))
        store.save(t)
        if n % 10 == 9:  # a short call that starts and ends: two more index writes
            side = Transcript(id=f"side-{name}-{n}", scenario="price_bargaining", rep=name, outcome="advance")
            store.save(side)
    t.outcome = "referral"
    store.save(t)
""")


def _call(call_id: str, turns: int = 0) -> Transcript:
    t = Transcript(id=call_id, scenario="path_1_acceptor", started=T0)
    for n in range(turns):
        t.turns.append(Turn(speaker="rep" if n % 2 else "client", text=f"line {n}"))
    return t


def test_two_processes_writing_different_calls_keep_both(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(home), name, "60"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("ana", "ben")
    ]
    time.sleep(0.3)
    (home / "go").touch()
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err

    store = Store(home)
    rows = {r["id"]: r for r in store.list()}
    expected = {"call-ana", "call-ben"} | {f"side-{who}-{n}" for who in ("ana", "ben") for n in range(9, 60, 10)}
    assert set(rows) == expected
    for who in ("ana", "ben"):
        t = store.load(f"call-{who}")
        assert [x.text for x in t.turns] == [f"{who} {n}" for n in range(60)]
        assert rows[f"call-{who}"]["outcome"] == "referral" and rows[f"call-{who}"]["rep"] == who
        assert rows[f"call-{who}"]["turns"] == 60


HOLDER = textwrap.dedent("""
    import sys, time
    from roleplay.store import Store
    store = Store(sys.argv[1])
    with store._locked():
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def _hold_lock(home: Path, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(home), str(seconds)], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked"
    return p


def test_a_lock_held_too_long_gives_one_clear_line_naming_the_lock_file(tmp_path):
    home = tmp_path / "home"
    holder = _hold_lock(home, 30)
    try:
        store = Store(home, lock_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StoreLocked) as exc:
            store.save(_call("waiting", 1))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    message = str(exc.value)
    assert isinstance(exc.value, RoleplayError)
    assert "\n" not in message
    assert str(home / ".lock") in message and f"pid {holder.pid}" in message
    assert "ROLEPLAY_LOCK_TIMEOUT" in message
    assert 0.5 <= waited < 5
    assert not (home / "calls" / "waiting.json").exists()
    # The holder is gone (a killed process's lock is released): saving works again.
    Store(home, lock_timeout=0.5).save(_call("waiting", 1))
    assert Store(home).load("waiting").turns[0].text == "line 0"


def test_a_writer_waits_for_a_short_lock_instead_of_failing(tmp_path):
    home = tmp_path / "home"
    holder = _hold_lock(home, 0.4)
    Store(home, lock_timeout=10).save(_call("patient", 2))
    holder.wait()
    assert len(Store(home).load("patient").turns) == 2


def test_the_lock_timeout_can_be_set_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_LOCK_TIMEOUT", "0.2")
    assert Store(tmp_path).lock_timeout == 0.2
    monkeypatch.setenv("ROLEPLAY_LOCK_TIMEOUT", "soon")
    with pytest.raises(RoleplayError, match="ROLEPLAY_LOCK_TIMEOUT"):
        Store(tmp_path)


def test_the_same_call_saved_from_two_places_is_not_silently_overwritten(tmp_path):
    home = tmp_path / "home"
    Store(home).save(_call("shared", 3))
    here, there = Store(home).load("shared"), Store(home).load("shared")
    here.turns.append(Turn(speaker="client", text="said here"))
    Store(home).save(here)
    there.turns.append(Turn(speaker="client", text="said there"))
    with pytest.raises(StoreConflict) as exc:
        Store(home).save(there)
    assert "\n" not in str(exc.value) and "shared" in str(exc.value)
    assert [t.text for t in Store(home).load("shared").turns][-1] == "said here"

    # Ended elsewhere: an older copy cannot reopen it.
    stale = Store(home).load("shared")
    ended = Store(home).load("shared")
    ended.outcome = "advance"
    Store(home).save(ended)
    with pytest.raises(StoreConflict):
        Store(home).save(stale)
    assert Store(home).load("shared").outcome == "advance"
