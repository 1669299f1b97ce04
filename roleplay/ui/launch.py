"""Starts the terminal app from the command line: loads content, opens the store, runs `make_app`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.engines import Engine


def launch(content_dir: str | None, scenario: str | None, replay_id: str | None, rep: str | None, *,
           engine_factory: Callable[[], Engine] | None = None) -> int:
    """Run the app until the user quits; returns the exit code.

    Content, the store and the ids asked for are checked before the app takes over the terminal, so a bad
    content file, an unreadable store or an unknown scenario or call id raises a `RoleplayError` the CLI
    prints as one line. `engine_factory` makes each call's engine (default: the offline scripted engine).
    """
    from roleplay.content import load_library, load_rubric
    from roleplay.store import Store

    library = load_library(content_dir)
    rubric = load_rubric("default", content_dir)
    store = Store().check()
    if scenario:
        library.scenario(scenario)
    if replay_id:
        store.load(replay_id)
    if engine_factory is None:
        from roleplay.engines import ScriptedEngine

        engine_factory = ScriptedEngine

    from roleplay.ui.app import make_app

    app = make_app(library, store, engine_factory, rubric, start_scenario=scenario, replay_id=replay_id, rep=rep)
    app.run()
    return app.return_code or 0
