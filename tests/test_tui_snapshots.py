"""Snapshots of every screen of the terminal app at fixed sizes, with the offline engine and a fixed clock.

Update them after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`, then
look at the SVGs in tests/__snapshots__/ (or the HTML report on failure) before committing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from roleplay.domain.review import Review, ScoreOverride, TrainerNote
from roleplay.engines import ScriptedEngine
from roleplay.grading import grade
from roleplay.session import CallSession
from roleplay.store import Store
from roleplay.store.reviews import save_review
from roleplay.ui.app import make_app

T0 = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
SCRIPTS = Path(__file__).parent / "scripts"
SMALL, LARGE = (80, 24), (100, 30)
PITCH = "Our platform uses AI and has a mobile app."
PURPOSE = ("Thank you for the time, Ms Okafor. So I don't waste your fifteen minutes, I'd like to understand "
           "your priorities for the business before I suggest anything, if that's all right.")
LEADING = "Don't you think your downtime is too high?"


def store_call(library, rubric, store, scenario, lines, rep="Ana", call_id=None, started=T0) -> str:
    session = CallSession(library, scenario, rep=rep, clock=lambda: started)
    session.transcript.id = call_id or session.transcript.id
    session.start()
    for line in lines:
        if session.ended:
            break
        session.send(line)
    session.end()
    store.save(session.transcript, grade(session.transcript, rubric, level=session.persona.level,
                                         weights=session.scenario.rubric_weights))
    return session.transcript.id


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def steady_cursor(pilot) -> None:
    """Stop the text cursor blinking, so the snapshot does not depend on when it is taken."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def say(pilot, text: str) -> None:
    pilot.app.screen.query_one("#say", Input).value = text
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "home")


@pytest.fixture
def build(library, rubric, store, tmp_path):
    def make(**options):
        return make_app(library, store, ScriptedEngine, rubric, clock=lambda: T0, export_dir=tmp_path, **options)

    return make


@pytest.fixture
def good_call(library, rubric, store) -> str:
    lines = [ln for ln in (SCRIPTS / "path_3_power_holder_good.txt").read_text().splitlines() if ln.strip()]
    return store_call(library, rubric, store, "path_3_power_holder", lines, call_id="good-call")


@pytest.fixture
def reviewed_call(store, good_call) -> str:
    save_review(store, good_call, Review(
        call_id=good_call,
        notes=[TrainerNote(turn=4, text="Good case first; now make the question sharper.", author="Tess", at=T0)],
        overrides={"neutrality": ScoreOverride(dimension="neutrality", score=80, reason="the tag was mild",
                                               author="Tess", at=T0)},
    ))
    return good_call


class TestHome:
    def test_first_run(self, snap_compare, build):
        assert snap_compare(build(), terminal_size=SMALL)

    def test_with_recent_calls(self, snap_compare, build, library, rubric, store):
        store_call(library, rubric, store, "path_3_power_holder", [PITCH], rep="Bo", call_id="one")
        store_call(library, rubric, store, "price_value_gap", ["What does the budget cover today?"], rep="Ana",
                   call_id="two", started=T0 + timedelta(hours=1))
        assert snap_compare(build(rep="Ana"), terminal_size=LARGE)

    def test_chinese_scenario_card(self, snap_compare, build):
        assert snap_compare(build(rep="小王"), terminal_size=LARGE, press=["down"])


class TestCall:
    def test_practice_mode_reads_the_last_turn(self, snap_compare, build):
        async def run_before(pilot):
            await settle(pilot)
            await say(pilot, PURPOSE)
            await say(pilot, LEADING)
            await steady_cursor(pilot)

        assert snap_compare(build(start_scenario="path_3_power_holder"), terminal_size=SMALL, run_before=run_before)

    def test_assessment_mode_hides_the_coach(self, snap_compare, build):
        async def run_before(pilot):
            await settle(pilot)
            await say(pilot, PURPOSE)
            await pilot.press("ctrl+o")
            pilot.app.clear_notifications()  # the toast fades on its own clock
            await steady_cursor(pilot)

        assert snap_compare(build(start_scenario="path_3_power_holder"), terminal_size=LARGE, run_before=run_before)

    def test_client_ends_the_call(self, snap_compare, build):
        async def run_before(pilot):
            await settle(pilot)
            await say(pilot, PITCH)

        assert snap_compare(build(start_scenario="path_3_power_holder"), terminal_size=SMALL, run_before=run_before)

    def test_chinese_call(self, snap_compare, build):
        async def run_before(pilot):
            await settle(pilot)
            await say(pilot, "林总您好，为了给您有价值的建议，想先请教您今年最关注的业务目标是什么？")
            await say(pilot, "设备故障对实现这个目标有什么影响？")
            await steady_cursor(pilot)

        assert snap_compare(build(start_scenario="zh_power_holder", rep="小王"), terminal_size=SMALL,
                            run_before=run_before)


class TestScorecard:
    @pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "100x30"])
    def test_good_call(self, snap_compare, build, good_call, size):
        async def run_before(pilot):
            pilot.app.show_scorecard(good_call)
            await pilot.pause()

        assert snap_compare(build(), terminal_size=size, run_before=run_before)


class TestReplay:
    def test_turn_with_evidence_and_a_note(self, snap_compare, build, reviewed_call):
        assert snap_compare(build(replay_id=reviewed_call), terminal_size=LARGE, press=["down", "down", "down"])

    def test_scores_with_an_override(self, snap_compare, build, reviewed_call):
        async def run_before(pilot):
            await pilot.press("s")
            pilot.app.screen.query_one("#score-table", DataTable).move_cursor(row=1)
            await pilot.pause()

        assert snap_compare(build(replay_id=reviewed_call), terminal_size=SMALL, run_before=run_before)

    def test_override_dialog(self, snap_compare, build, good_call):
        async def run_before(pilot):
            await pilot.press("down", "o", "6", "5")
            await steady_cursor(pilot)

        assert snap_compare(build(replay_id=good_call), terminal_size=SMALL, run_before=run_before)

    def test_stored_calls_filtered(self, snap_compare, build, library, rubric, store, good_call):
        store_call(library, rubric, store, "price_value_gap", ["What does the budget cover today?"], rep="Bo",
                   call_id="bo-price", started=T0 + timedelta(days=1))
        async def run_before(pilot):
            await pilot.press("c", "slash", *"rep:ana")
            await steady_cursor(pilot)

        assert snap_compare(build(), terminal_size=SMALL, run_before=run_before)


class TestHelp:
    def test_help_on_the_call_screen(self, snap_compare, build):
        async def run_before(pilot):
            await settle(pilot)
            await steady_cursor(pilot)
            await pilot.press("f1")

        assert snap_compare(build(start_scenario="path_3_power_holder"), terminal_size=SMALL, run_before=run_before)
