"""The roleplay terminal app and `make_app`, the one factory the CLI and the tests both use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from roleplay.errors import RoleplayError
from roleplay.ui.backend import Backend
from roleplay.ui.screens.help import HelpScreen, screen_actions
from roleplay.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    from roleplay.content import Library
    from roleplay.engines import Engine
    from roleplay.grading import Rubric
    from roleplay.store import Store


class RoleplayApp(App):
    """Practise discovery calls against simulated clients; replay and review graded calls."""

    CSS_PATH = "roleplay.tcss"
    TITLE = "roleplay"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(self, backend: Backend, start_scenario: str | None = None, replay_id: str | None = None,
                 rep: str | None = None):
        super().__init__()
        self.backend = backend
        self.start_scenario = start_scenario
        self.replay_id = replay_id
        self.user_name = (rep or "").strip()
        """The rep's name on new calls, and the author of trainer notes and overrides."""

    def on_mount(self) -> None:
        for notice in getattr(self.backend.store, "notices", []):  # a migration done, a write healed
            self.notify(notice, title="Store", timeout=10)
        self.push_screen(HomeScreen(self.backend, rep=self.user_name, scenario_id=self.start_scenario))
        if self.start_scenario:
            self.start_call(self.start_scenario, self.user_name)
        elif self.replay_id:
            self.open_stored_call(self.replay_id)

    # -- navigation: screens ask the app, so each screen only knows what it shows -------------------

    def start_call(self, scenario_id: str, rep: str, replace: bool = False) -> None:
        from roleplay.ui.screens.call import CallScreen

        self.user_name = rep.strip()
        try:
            session = self.backend.new_session(scenario_id, rep)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot start the call", severity="error", timeout=8)
            return
        screen = CallScreen(self.backend, session)
        self.switch_screen(screen) if replace else self.push_screen(screen)

    def resume_call(self, call_id: str) -> None:
        from roleplay.ui.screens.call import CallScreen

        try:
            session = self.backend.resume_session(call_id)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot resume the call", severity="error", timeout=8)
            return
        self.push_screen(CallScreen(self.backend, session))

    def show_scorecard(self, call_id: str, replace: bool = False) -> None:
        from roleplay.ui.screens.scorecard import ScorecardScreen

        try:
            call = self.backend.open_call(call_id)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot open the call", severity="error", timeout=8)
            return
        screen = ScorecardScreen(self.backend, call)
        self.switch_screen(screen) if replace else self.push_screen(screen)

    def show_replay(self, call_id: str, turn: int = 1) -> None:
        from roleplay.ui.screens.replay import ReplayScreen

        try:
            call = self.backend.open_call(call_id)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot open the call", severity="error", timeout=8)
            return
        self.push_screen(ReplayScreen(self.backend, call, turn=turn))

    def open_stored_call(self, call_id: str) -> None:
        """A finished call opens in the replay; an unfinished one is resumed."""
        row = next((r for r in self.backend.recent_calls() if r["id"] == call_id), None)
        if row is not None and row.get("outcome") is None:
            self.resume_call(call_id)
        else:
            self.show_replay(call_id)

    def show_calls(self) -> None:
        from roleplay.ui.screens.calls import CallsScreen

        self.push_screen(CallsScreen(self.backend))

    def go_home(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.switch_screen(HomeScreen(self.backend, rep=self.user_name))

    # -- help and the command palette --------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the current screen by name, then Textual's own (theme, keys, quit)."""
        titles = set()
        for entry in screen_actions(screen):
            if entry.enabled:
                titles.add(entry.description)
                yield SystemCommand(entry.description, f"{' / '.join(entry.keys)} · {screen.title or ''}".rstrip(" ·"),
                                    partial(self.run_action, entry.action, entry.node))
        yield from (command for command in super().get_system_commands(screen) if command.title not in titles)


def make_app(
    library: Library,
    store: Store,
    engine_factory: Callable[[], Engine],
    rubric: Rubric,
    start_scenario: str | None = None,
    replay_id: str | None = None,
    rep: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    seed: int = 0,
    export_dir: Path | None = None,
) -> RoleplayApp:
    """Build the app. The CLI and the tests both call this, so tests run the real wiring.

    Args:
        library: scenarios and personas.
        store: where calls and reviews are kept.
        engine_factory: makes the engine that voices the client, once per call.
        rubric: the rubric to grade with (a scenario may override its weights).
        start_scenario: open a call on this scenario straight away.
        replay_id: open this stored call in the replay.
        rep: the user's name, prefilled on the home screen.
        clock: the time source for calls and notes (tests fix it).
        seed: the seed of each call's scripted variation.
        export_dir: where exports are written (default: the current directory).
    """
    backend = Backend(library, store, engine_factory, rubric, clock=clock, seed=seed, export_dir=export_dir)
    return RoleplayApp(backend, start_scenario=start_scenario, replay_id=replay_id, rep=rep)
