"""What the screens need from the core: scenarios, calls, grading, reviews and exports, behind one object.

The factory (`make_app`) builds one `Backend` from the library, store, engine factory and rubric it is
given, so the CLI and the tests run the same wiring. Heavy core modules (the analyser, the grader) are
imported on first use, not at start-up, so the home screen paints quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from roleplay.domain.persona import Persona
from roleplay.domain.scenario import Scenario
from roleplay.domain.vocabulary import Level, Stage
from roleplay.errors import RoleplayError
from roleplay.ui.format import short_date

if TYPE_CHECKING:
    from roleplay.content import Library
    from roleplay.domain.review import ReviewedCall
    from roleplay.domain.scorecard import Scorecard
    from roleplay.engines import Engine
    from roleplay.grading import Rubric
    from roleplay.session import CallSession
    from roleplay.store import Store

STAGES: tuple[str, ...] = get_args(Stage)
"""In the order of a purchase."""
LEVELS: tuple[str, ...] = get_args(Level)

OUTCOME_TEXT = {
    "advance": "next step agreed",
    "referral": "referred on",
    "continuation": "left open, no next step",
    "ended_early": "ended early by the client",
    None: "in progress",
}
OUTCOME_SHORT = {
    "advance": "next step",
    "referral": "referral",
    "continuation": "no next step",
    "ended_early": "ended early",
    None: "in progress",
}
"""Outcomes in a table column."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PersonaGroup:
    """The scenarios played against one persona at one stage."""

    persona: Persona
    scenarios: list[Scenario]


@dataclass(frozen=True)
class StageGroup:
    stage: str
    personas: list[PersonaGroup]


def engine_label(engine: Engine) -> str:
    """How the engine is shown to the user: offline unless a model voices the client."""
    if engine.model:
        return f"{engine.model} (via {engine.name})"
    return f"offline ({engine.name})"


class Backend:
    """The app's access to content, calls and grading."""

    def __init__(
        self,
        library: Library,
        store: Store,
        engine_factory: Callable[[], Engine],
        rubric: Rubric,
        clock: Callable[[], datetime] | None = None,
        seed: int = 0,
        export_dir: Path | None = None,
    ):
        self.library = library
        self.store = store
        self.engine_factory = engine_factory
        self.rubric = rubric
        self.clock = clock or _utc_now
        self.seed = seed
        self.export_dir = export_dir
        self._engine_label: str | None = None

    # -- content ---------------------------------------------------------------------------------

    @property
    def engine_label(self) -> str:
        if self._engine_label is None:
            self._engine_label = engine_label(self.engine_factory())
        return self._engine_label

    def scenario_groups(self) -> list[StageGroup]:
        """Scenarios grouped by purchase stage, then persona (executives first), easiest first."""
        lib = self.library
        difficulty = {"easy": 0, "normal": 1, "hard": 2}
        groups = []
        for stage in STAGES:
            scenarios = [s for s in lib.scenarios.values() if s.stage == stage]
            personas: dict[str, list[Scenario]] = {}
            for s in sorted(scenarios, key=lambda s: (difficulty.get(s.difficulty, 1), s.title)):
                personas.setdefault(s.persona, []).append(s)
            ordered = sorted(personas, key=lambda pid: (LEVELS.index(lib.persona(pid).level), lib.persona(pid).name))
            if ordered:
                groups.append(StageGroup(stage, [PersonaGroup(lib.persona(pid), personas[pid]) for pid in ordered]))
        return groups

    def scenario(self, scenario_id: str) -> Scenario:
        return self.library.scenario(scenario_id)

    def persona_of(self, scenario_id: str) -> Persona:
        return self.library.persona(self.library.scenario(scenario_id).persona)

    def weights(self, scenario_id: str | None) -> dict[str, float]:
        """The rubric's weights with the scenario's overrides, as the grader uses them."""
        overrides = {}
        if scenario_id and scenario_id in self.library.scenarios:
            overrides = self.library.scenario(scenario_id).rubric_weights
        return self.rubric.with_weights(overrides).weights

    def scenario_title(self, scenario_id: str | None) -> str:
        if scenario_id and scenario_id in self.library.scenarios:
            return self.library.scenario(scenario_id).title
        return scenario_id or "(no scenario)"

    def call_cells(self, row: dict, with_turns: bool = False) -> list[str]:
        """A stored call as table cells: date, rep, overall, [turns,] outcome, scenario."""
        overall = row.get("overall")
        cells = [short_date(row.get("started")), row.get("rep") or "", "—" if overall is None else f"{overall:>3.0f}"]
        if with_turns:
            cells.append(f"{row.get('turns', ''):>3}")
        cells += [OUTCOME_SHORT.get(row.get("outcome"), row.get("outcome") or ""), self.scenario_title(row.get("scenario"))]
        return cells

    # -- calls -----------------------------------------------------------------------------------

    def new_session(self, scenario_id: str, rep: str) -> CallSession:
        from roleplay.session import CallSession

        return CallSession(self.library, scenario_id, engine=self.engine_factory(), store=self.store,
                           rep=rep.strip() or "rep", seed=self.seed, clock=self.clock)

    def resume_session(self, call_id: str) -> CallSession:
        from roleplay.session import CallSession

        return CallSession.resume(self.library, self.store.load(call_id), engine=self.engine_factory(),
                                  store=self.store, clock=self.clock)

    def finish(self, session: CallSession) -> Scorecard:
        """Grade the finished call and store it with its scorecard."""
        from roleplay.grading import grade

        scorecard = grade(session.transcript, self.rubric, level=session.persona.level,
                          weights=session.scenario.rubric_weights)
        self.store.save(session.transcript, scorecard)
        return scorecard

    def recent_calls(self, limit: int | None = None) -> list[dict]:
        rows = self.store.list()
        return rows[:limit] if limit else rows

    # -- review ----------------------------------------------------------------------------------

    def open_call(self, call_id: str) -> ReviewedCall:
        """A stored call with its scorecard (graded now if it never was) and its review."""
        from roleplay.review import reviewed_call
        from roleplay.store.reviews import load_review

        transcript = self.store.load(call_id)
        scorecard = self.store.scorecard(call_id)
        if scorecard is None and transcript.outcome is not None:
            from roleplay.grading import grade

            level = None
            if transcript.persona in self.library.personas:
                level = self.library.persona(transcript.persona).level
            scorecard = grade(transcript, self.rubric, level=level, weights=self.weights(transcript.scenario))
            self.store.save(transcript, scorecard)
        return reviewed_call(transcript, scorecard, load_review(self.store, call_id))

    def save_review(self, call: ReviewedCall) -> ReviewedCall:
        """Store the call's review; returns the call with the saved revision."""
        from roleplay.store.reviews import save_review

        saved = save_review(self.store, call.transcript.id, call.review)
        return call.model_copy(update={"review": saved})

    def export(self, call: ReviewedCall, fmt: str) -> Path:
        """Write the call as Markdown (`md`) or JSON (`json`) to the export directory (default: the current one)."""
        t = call.transcript
        if fmt == "md":
            from roleplay.report.markdown import render_markdown

            text = render_markdown(t, call.scorecard, call.review, weights=self.weights(t.scenario))
        elif fmt == "json":
            from roleplay.report.jsonout import render_json

            text = render_json(t, call.scorecard, call.review)
        else:
            raise RoleplayError(f"unknown export format '{fmt}' (md or json)")
        folder = self.export_dir or Path.cwd()
        path = folder / f"{t.id}.{fmt}"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RoleplayError(f"{path}: cannot write ({exc.strerror})") from None
        return path
