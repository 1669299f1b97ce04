"""The terminal app, driven with Textual's Pilot: every flow a rep or a trainer goes through, asserting what
they see on the screen and what ends up in the store."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, OptionList, Static

from roleplay.domain.review import Review
from roleplay.engines import ScriptedEngine
from roleplay.grading import grade
from roleplay.review import ReviewError, add_note, override_score, overall_with_overrides, reviewed_call
from roleplay.session import CallSession
from roleplay.store import Store
from roleplay.store.reviews import ReviewConflict, load_review, save_review
from roleplay.ui.app import make_app
from roleplay.ui.screens.call import CallScreen
from roleplay.ui.screens.calls import CallsScreen, filter_calls
from roleplay.ui.screens.help import HelpScreen
from roleplay.ui.screens.home import HomeScreen
from roleplay.ui.screens.replay import ReplayScreen
from roleplay.ui.screens.scorecard import ScorecardScreen
from roleplay.ui.widgets.conversation import Utterance

T0 = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
PITCH = "Our platform uses AI and has a mobile app."
PURPOSE = ("Thank you for the time, Ms Okafor. So I don't waste your fifteen minutes, I'd like to understand "
           "your priorities for the business before I suggest anything, if that's all right.")
LEADING = "Don't you think your downtime is too high?"


def clock() -> datetime:
    return T0


# -- helpers -----------------------------------------------------------------------------------------


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text (its content may be Rich Text or a group of renderables)."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def rows_of(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def settle(pilot) -> None:
    """Wait until the client has replied (the turn runs in a thread) and the screen has caught up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot, selector: str, text: str) -> None:
    """Type `text` into the focused field of a dialog and press Enter (set at once: typing is slow in tests)."""
    box = pilot.app.screen.query_one(selector, Input)
    assert box.has_focus
    box.value = text
    await pilot.press("enter")


async def say(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#say", Input)
    assert box.has_focus, "the input keeps focus during the call"
    box.value = text
    await pilot.press("enter")
    await settle(pilot)


def play_and_store(library, rubric, store, scenario: str, lines: list[str], rep: str = "Ana",
                   call_id: str | None = None, started: datetime = T0) -> str:
    """A finished, graded call in the store, as the app would have left it."""
    session = CallSession(library, scenario, rep=rep, clock=lambda: started)
    if call_id:
        session.transcript.id = call_id
    session.start()
    for line in lines:
        if session.ended:
            break
        session.send(line)
    session.end()
    scorecard = grade(session.transcript, rubric, level=session.persona.level, weights=session.scenario.rubric_weights)
    store.save(session.transcript, scorecard)
    return session.transcript.id


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "home")


@pytest.fixture
def exports(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def build(library, rubric, store, exports):
    def make(**options):
        options.setdefault("engine_factory", ScriptedEngine)
        return make_app(library, store, options.pop("engine_factory"), rubric, clock=clock, export_dir=exports,
                        **options)

    return make


@pytest.fixture
def good_call(library, rubric, store, scripts_dir) -> str:
    lines = [ln for ln in (scripts_dir / "path_3_power_holder_good.txt").read_text().splitlines() if ln.strip()]
    return play_and_store(library, rubric, store, "path_3_power_holder", lines, call_id="good-call")


@pytest.fixture
def scripts_dir():
    return Path(__file__).parent / "scripts"


# -- home ----------------------------------------------------------------------------------------------


async def test_home_groups_scenarios_by_stage_and_persona_and_shows_brief_and_rubric(build, rubric):
    app = build(rep="Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        options = home.query_one("#scenarios", OptionList)
        texts = [(o.disabled, _plain(o.prompt)) for o in options.options]
        headings = [t for disabled, t in texts if disabled]
        assert headings[0] == "Need stage"
        assert "Catherine Okafor · executive" in headings
        need = headings.index("Need stage")
        assert headings[need + 1] == "Catherine Okafor · executive", "executives are listed first"
        assert "Sales path 3: fifteen minutes with the power holder · normal" in [t for d, t in texts if not d]
        assert "权力者：运营副总裁的十五分钟 · normal" in [t for d, t in texts if not d]

        card = text_of(home.query_one("#card-text", Static))
        assert card.startswith("Sales path 3: fifteen minutes with the power holder")
        assert "Catherine Okafor, Chief Operating Officer, Northvale Foods" in card
        assert "Your goal: Talk at her level" in card
        assert "What you will be graded on" in card
        for key, weight in rubric.weights.items():
            assert rubric.describe[key] in " ".join(card.split()), key
        assert " 25% Discovery (SPIN/FOC)" in card
        assert text_of(home.query_one("#engine", Static)).strip() == "Engine offline (scripted)"
        assert home.query_one("#rep-name", Input).value == "Ana"
        assert home.query_one("#no-calls").display and not home.query_one("#recent").display

        await pilot.press("down")  # the cursor skips the persona heading
        assert home.selected_scenario == "zh_power_holder"
        assert "林慧, 运营副总裁, 华禾食品集团" in text_of(home.query_one("#card-text", Static))


def _plain(prompt) -> str:
    renderable = getattr(prompt, "renderable", prompt)  # a Padding wraps the Text
    return renderable.plain.strip()


async def test_recent_calls_list_the_store_newest_first(build, library, rubric, store):
    play_and_store(library, rubric, store, "path_3_power_holder", [PITCH], rep="Bo", call_id="older")
    play_and_store(library, rubric, store, "path_1_acceptor", ["What does your day look like?"], rep="Ana",
                   call_id="newer", started=T0 + timedelta(hours=2))
    app = build()
    async with app.run_test(size=(100, 30)):
        rows = rows_of(app.screen.query_one("#recent", DataTable))
        assert [r[1] for r in rows] == ["Ana", "Bo"]
        assert rows[0][0] == "2026-05-04 11:30"
        assert rows[1][3] == "ended early"
        assert rows[1][4] == "Sales path 3: fifteen minutes with the power holder"


# -- the call -----------------------------------------------------------------------------------------


async def test_pitch_first_opening_ends_the_call_and_the_scorecard_is_stored(build, store):
    app = build(start_scenario="path_3_power_holder", rep="Ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        call = app.screen
        assert isinstance(call, CallScreen)
        turns = list(call.query(Utterance))
        assert turns[0].text.startswith("Good morning."), "the client opens the call"

        await say(pilot, PITCH)
        assert call.session.ended and call.session.outcome == "ended_early"
        over = text_of(call.query_one("#call-over", Static))
        assert "Call over. Catherine Okafor ended the call early." in over
        assert f"Why: {call.session.last_move.reason}" in " ".join(over.split())
        assert not call.query_one("#say").display, "nothing more can be said"
        coach = text_of(call.query_one("#coach-turn", Static))
        assert "✗ Feature pitch: “Our platform uses AI" in coach
        assert "Mood      gone" in text_of(call.query_one("#coach-client", Static))

        await pilot.press("enter")
        await pilot.pause()
        scorecard = app.screen
        assert isinstance(scorecard, ScorecardScreen)
        call_id = scorecard.call.transcript.id
        stored = store.scorecard(call_id)
        assert stored is not None and store.load(call_id).outcome == "ended_early"
        assert store.load(call_id).rep == "Ana"
        bars = {bar.label: bar.score for bar in scorecard.query("ScoreBar")}
        assert bars["Overall"] == stored.overall
        assert bars["Pitch timing"] == stored.dimensions["pitch_timing"].score
        evidence = rows_of(scorecard.query_one("#evidence", DataTable))
        pitch = next(e for e in stored.dimensions["pitch_timing"].evidence if e.turn == 2)
        assert pitch.effect < 0
        assert ["2", "Pitch timing", f"{pitch.effect:+.0f}", f"“{pitch.quote}”"] in evidence
        tips = " ".join(text_of(scorecard.query_one("#tips Static", Static)).split())
        assert stored.dimensions["pitch_timing"].tips
        assert all(tip in tips for tip in stored.dimensions["pitch_timing"].tips)


async def test_practice_panel_reads_each_turn_and_assessment_mode_hides_it(build):
    app = build(start_scenario="path_3_power_holder")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        call = app.screen
        await say(pilot, PURPOSE)
        assert "✓ You explained why you ask" in text_of(call.query_one("#coach-turn", Static))
        assert "Patience  ●●●● 4/4" in text_of(call.query_one("#coach-client", Static))

        await say(pilot, LEADING)
        coach = text_of(call.query_one("#coach-turn", Static))
        assert "✗ Leading (tag question): “Don't you think”" in coach
        assert f"Try: “{call.session.last_labels.neutral_rewrite}”" in coach
        client = text_of(call.query_one("#coach-client", Static))
        assert "Patience  ●●●○ 3/4" in client, "the leading question cost patience"
        assert call.session.last_move.reason in " ".join(text_of(call.query_one("#coach-why", Static)).split())

        await pilot.press("ctrl+t")
        hint = call.query(".aside").last()
        assert text_of(hint).startswith("Hint: ")

        await pilot.press("ctrl+o")
        assert call.mode == "assessment"
        assert not call.query_one("#coach").display
        asides = len(call.query(".aside"))
        await pilot.press("ctrl+t")
        assert len(call.query(".aside")) == asides, "no hints in assessment mode"
        await pilot.press("ctrl+o")
        assert call.query_one("#coach").display


async def test_rep_ends_the_call_and_every_turn_was_saved_as_it_happened(build, store):
    app = build(start_scenario="path_3_power_holder", rep="Ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        call = app.screen
        await say(pilot, PURPOSE)
        call_id = call.session.transcript.id
        saved = store.load(call_id)
        assert [t.speaker for t in saved.turns] == ["client", "rep", "client"] and saved.outcome is None

        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "You ended the call with no next step agreed." in text_of(call.query_one("#call-over", Static))
        assert store.load(call_id).outcome == "continuation"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert store.scorecard(call_id) is not None


class GatedEngine:
    """The scripted engine's words, streamed word by word; when gated, it pauses after the first word."""

    name = "gated"
    model = None

    def __init__(self):
        self.inner = ScriptedEngine()
        self.gated = False
        self.first_word_shown = threading.Event()
        self.release = threading.Event()
        self.words: list[str] = []

    def voice(self, persona, move, history, seed, on_chunk=None):
        reply = self.inner.voice(persona, move, history, seed)
        self.words = reply.text.split(" ")
        for i, word in enumerate(self.words):
            on_chunk(word if i == 0 else " " + word)
            if i == 0 and self.gated:
                self.first_word_shown.set()
                self.release.wait(5)
        return reply


async def test_client_reply_appears_as_it_streams(build):
    engine = GatedEngine()
    app = build(start_scenario="path_3_power_holder", engine_factory=lambda: engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        engine.gated = True
        box = app.screen.query_one("#say", Input)
        box.value = PURPOSE
        await pilot.press("enter")
        await asyncio.to_thread(engine.first_word_shown.wait, 5)
        await pilot.pause()
        streaming = app.screen.query(Utterance).last()
        assert len(engine.words) > 2
        assert streaming.speaker == "client" and streaming.text == engine.words[0], "the first word, on its own"
        assert box.has_focus
        engine.release.set()
        await settle(pilot)
        assert streaming.text == " ".join(engine.words) == app.screen.session.transcript.turns[-1].text


async def test_chinese_call_shows_the_client_and_reads_the_turn(build):
    app = build(start_scenario="zh_power_holder", rep="小王")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        call = app.screen
        assert text_of(call.query_one("#call-who", Static)).strip() == "林慧, 运营副总裁, 华禾食品集团"
        await say(pilot, "我们的平台使用人工智能，有手机应用。")
        assert "Feature pitch: “我们的平台使用人工智能" in text_of(call.query_one("#coach-turn", Static))
        assert [u.speaker_name for u in call.query(Utterance)] == ["林慧", "You", "林慧"]


# -- scorecard -> replay -> review -> export ----------------------------------------------------------


async def test_choosing_evidence_opens_the_replay_at_that_turn(build, good_call):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_scorecard(good_call)
        await pilot.pause()
        scorecard = app.screen
        table = scorecard.query_one("#evidence", DataTable)
        rows = rows_of(table)
        target = next(i for i, r in enumerate(rows) if r[0] == "8")
        table.move_cursor(row=target)
        await pilot.press("enter")
        await pilot.pause()
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        assert replay.turn == 8
        detail = text_of(replay.query_one("#turn-detail", Static))
        assert detail.startswith("Turn 8 of")
        assert "If the lines you already have became predictable enough" in detail
        assert "discovery.need_payoff_question" in detail

        await pilot.press("escape")
        assert app.screen is scorecard


async def test_trainer_adds_a_note_to_a_turn(build, store, good_call):
    app = build(replay_id=good_call, rep="Trainer Tess")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await pilot.press("down", "down", "down")  # turn 4
        await pilot.press("n")
        await pilot.press(*"Good case, then ask")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        assert "✎ Trainer Tess: Good case, then ask" in text_of(replay.query_one("#turn-detail", Static))
        turns = replay.query_one("#turns", OptionList)
        assert "✎" in turns.get_option_at_index(3).prompt.plain

        review = load_review(store, good_call)
        assert [(n.turn, n.text, n.author, n.at) for n in review.notes] == [(4, "Good case, then ask", "Trainer Tess", T0)]


async def test_trainer_overrides_a_score_and_the_graders_score_is_kept(build, store, good_call):
    grader = store.scorecard(good_call)
    app = build(replay_id=good_call, rep="Tess")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        replay = app.screen
        await pilot.press("s")  # the scores view
        table = replay.query_one("#score-table", DataTable)
        table.move_cursor(row=1)  # neutrality
        await pilot.press("o")
        await pilot.press("4", "0", "enter")
        await pilot.press("enter")  # no reason yet: the dialog stays open
        assert not isinstance(app.screen, ReplayScreen)
        await fill(pilot, "#override-reason", "missed the leading tone")
        await pilot.pause()
        assert app.screen is replay
        row = rows_of(table)[1]
        assert row[:4] == ["Neutral questions", f"{grader.dimensions['neutrality'].score:.0f}", "40",
                           "missed the leading tone (Tess)"]
        reason = next(c for c in table.columns.values() if c.key == "reason")
        assert reason.get_render_width(table) >= len("missed the leading tone (Tess)"), "the reason is not cut off"
        summary = text_of(replay.query_one("#replay-summary", Static))
        reviewed = overall_with_overrides(replay.call, app.backend.weights("path_3_power_holder"))
        assert f"overall {grader.overall:.0f} (trainer {reviewed:.0f})" in summary

    review = load_review(store, good_call)
    assert review.overrides["neutrality"].score == 40 and review.overrides["neutrality"].reason == "missed the leading tone"
    assert store.scorecard(good_call) == grader, "the grader's scorecard is never rewritten"


async def test_override_needs_a_reason_and_nothing_is_stored_without_one(build, store, good_call):
    app = build(replay_id=good_call)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o", "5", "0", "enter", "enter")
        assert type(app.screen).__name__ == "OverrideDialog"
        await pilot.press("escape")
        assert isinstance(app.screen, ReplayScreen)
    assert load_review(store, good_call).overrides == {}


async def test_export_writes_markdown_and_json_with_notes_and_overrides(build, store, good_call, exports):
    app = build(replay_id=good_call, rep="Tess")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("down", "n")
        await fill(pilot, "#note-text", "Strong opener")
        await pilot.press("o", "7", "0", "enter")
        await fill(pilot, "#override-reason", "fine for a first call")
        await pilot.pause()
        await pilot.press("m", "j")
        await pilot.pause()
    md = (exports / "good-call.md").read_text(encoding="utf-8")
    assert md.startswith("# Call good-call")
    assert "**2. Rep (Ana):** Thank you for the time, Ms Okafor." in md
    assert "> **Note (Tess):** Strong opener" in md
    assert "| Purpose and exchange |" in md and "| 70 | fine for a first call (Tess) |" in md
    doc = json.loads((exports / "good-call.json").read_text(encoding="utf-8"))
    assert doc["transcript"]["id"] == "good-call"
    assert doc["scorecard"]["overall"] == store.scorecard("good-call").overall
    assert doc["review"]["notes"][0]["text"] == "Strong opener"
    assert doc["review"]["overrides"]["purpose_and_exchange"]["score"] == 70


async def test_stored_calls_screen_filters_by_rep_scenario_and_date(build, library, rubric, store):
    play_and_store(library, rubric, store, "path_3_power_holder", [PITCH], rep="Ana", call_id="a")
    play_and_store(library, rubric, store, "path_1_acceptor", ["How do you plan shifts?"], rep="Bo", call_id="b",
                   started=T0 + timedelta(days=40))
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        table = calls.query_one("#calls", DataTable)
        assert table.row_count == 2
        await pilot.press("slash", *"rep:bo")
        assert [r[1] for r in rows_of(table)] == ["Bo"]
        assert text_of(calls.query_one("#calls-count", Static)).strip() == "1 of 2 calls"
        calls.query_one("#filter", Input).value = "power holder date:2026-05"
        await pilot.pause()
        assert [r[1] for r in rows_of(table)] == ["Ana"]
        await pilot.press("enter")  # back to the list
        await pilot.press("enter")  # open the call
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen) and app.screen.call.transcript.id == "a"


def test_filter_words_match_any_field_and_prefixes_one():
    rows = [
        {"id": "1", "rep": "Ana", "scenario": "price_bargaining", "started": "2026-05-01T09:00:00+00:00", "outcome": "advance"},
        {"id": "2", "rep": "Bo", "scenario": "path_1_acceptor", "started": "2026-06-02T09:00:00+00:00", "outcome": None},
    ]
    titles = {"price_bargaining": "Too expensive? The procurement reflex"}
    assert [r["id"] for r in filter_calls(rows, "procurement", titles)] == ["1"]
    assert [r["id"] for r in filter_calls(rows, "date:2026-06", titles)] == ["2"]
    assert [r["id"] for r in filter_calls(rows, "rep:an", titles)] == ["1"]
    assert [r["id"] for r in filter_calls(rows, "ANA 2026-05", titles)] == ["1"]
    assert filter_calls(rows, "rep:bo date:2026-05", titles) == []
    assert [r["id"] for r in filter_calls(rows, "", titles)] == ["1", "2"]


async def test_an_unfinished_call_opens_where_it_stopped(build, library, store):
    session = CallSession(library, "path_3_power_holder", store=store, rep="Ana", clock=clock)
    session.start()
    session.send(PURPOSE)
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        rows = rows_of(app.screen.query_one("#recent", DataTable))
        assert rows[0][3] == "in progress"
        app.screen.query_one("#recent").focus()
        await pilot.press("enter")
        await settle(pilot)
        call = app.screen
        assert isinstance(call, CallScreen)
        assert [u.speaker for u in call.query(Utterance)] == ["client", "rep", "client"]
        await say(pilot, "What are the biggest challenges in delivering the growth the board is asking of you?")
        assert len(store.load(session.transcript.id).turns) == 5


# -- keyboard, help and the command palette -----------------------------------------------------------


async def test_help_and_command_palette_offer_every_action_of_the_screen(build):
    app = build(start_scenario="path_3_power_holder")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ("Hint", "Assessment mode", "End call", "Help"):
            assert action in titles
        assert "Practice mode" not in titles, "only what can be done now"
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = text_of(help_screen.query_one("#help-text", Static))
        assert "Ctrl+T  Hint" in text and "Ctrl+L  End call" in text and "Ctrl+O  Assessment mode" in text
        await pilot.press("escape")
        assert isinstance(app.screen, CallScreen)


async def test_command_palette_runs_a_screen_action(build, good_call):
    app = build(replay_id=good_call)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Scores")
        await command.callback()
        await pilot.pause()
        assert app.screen.view == "scores"


# -- the review model and its storage -------------------------------------------------------------------


def test_review_functions_validate_and_keep_the_grader_score(library, rubric, store):
    call_id = play_and_store(library, rubric, store, "path_3_power_holder", [PURPOSE, PITCH], call_id="r")
    call = reviewed_call(store.load(call_id), store.scorecard(call_id))
    with pytest.raises(ReviewError, match="turn 99 does not exist"):
        add_note(call, 99, "x")
    with pytest.raises(ReviewError, match="needs a reason"):
        override_score(call, "discovery", 50, "  ")
    with pytest.raises(ReviewError, match="between 0 and 100"):
        override_score(call, "discovery", 101, "too high")
    changed = override_score(call, "discovery", 50, "fair")
    assert changed.scorecard == call.scorecard and call.review.overrides == {}


def test_a_review_saved_from_a_stale_copy_is_refused(library, rubric, store):
    call_id = play_and_store(library, rubric, store, "path_3_power_holder", [PITCH], call_id="stale")
    first = load_review(store, call_id)
    second = load_review(store, call_id)
    saved = save_review(store, call_id, Review(call_id=call_id, notes=[{"turn": 1, "text": "one"}], revision=first.revision))
    assert saved.revision == 1
    with pytest.raises(ReviewConflict):
        save_review(store, call_id, second.model_copy(update={"notes": []}))
    assert [n.text for n in load_review(store, call_id).notes] == ["one"]
    assert [r["id"] for r in store.list()] == [call_id], "a review file is not a call"


def test_the_app_starts_without_importing_litellm():
    code = ("import sys; import roleplay.ui.launch, roleplay.ui.app, roleplay.content, roleplay.store; "
            "print('litellm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_a_model_voiced_call_and_a_model_failure_in_the_app(build, monkeypatch, tmp_path):
    from llm_server import FakeLLMServer, Reply, echo_director

    from roleplay.engines.factory import make_engine

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    with FakeLLMServer(responder=echo_director) as server:
        app = build(start_scenario="path_3_power_holder",
                    engine_factory=lambda: make_engine("openai/test-model", server.api_base, 5, offline_fallback=True))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            session = app.screen.session
            assert session.transcript.turns[0].voiced_by == "llm"
            server.enqueue(Reply(status=500), Reply(status=500))
            await say(pilot, PURPOSE)
            reply = session.transcript.turns[-1]
            assert reply.voiced_by == "fallback", "the call goes on when the model fails"
            assert app.screen.query(Utterance).last().text == reply.text
            assert any("Voiced offline" in str(n.message) for n in app._notifications)
