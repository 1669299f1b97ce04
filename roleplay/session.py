"""Runs one call: rep turn -> analyse -> director -> engine voices the reply -> store.

Every turn is saved the moment it happens, so a killed process loses at most the reply in flight,
and an unfinished call can be resumed: the director's state is rebuilt by replaying the rep's turns.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from roleplay.analysis import analyse
from roleplay.content import Library
from roleplay.director import ClientMove, Director
from roleplay.domain.labels import UtteranceLabels
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript, Turn
from roleplay.engines import Engine, ScriptedEngine
from roleplay.errors import RoleplayError
from roleplay.grading import Rubric, grade


def _now() -> datetime:
    return datetime.now(timezone.utc)


def new_call_id(scenario_id: str, started: datetime) -> str:
    return f"{started:%Y%m%d-%H%M%S}-{scenario_id}-{uuid.uuid4().hex[:4]}"


class CallSession:
    """One practice call between a rep and a simulated client."""

    def __init__(
        self,
        library: Library,
        scenario_id: str,
        engine: Engine | None = None,
        store=None,
        rep: str = "rep",
        seed: int = 0,
        clock: Callable[[], datetime] = _now,
    ):
        self.scenario = library.scenario(scenario_id)
        self.persona = library.persona(self.scenario.persona)
        self.director = Director(self.persona, self.scenario)
        self.engine: Engine = engine or ScriptedEngine()
        self.store = store
        self.clock = clock
        started = clock()
        self.transcript = Transcript(
            id=new_call_id(scenario_id, started),
            scenario=self.scenario.id,
            persona=self.persona.id,
            rep=rep,
            language=self.scenario.language,
            difficulty=self.scenario.difficulty,
            engine=self.engine.name,
            model=self.engine.model,
            seed=seed,
            started=started,
        )
        self.last_labels: UtteranceLabels | None = None
        self.last_move: ClientMove | None = None

    @property
    def ended(self) -> bool:
        return self.director.state.ended

    @property
    def outcome(self):
        return self.transcript.outcome

    def _save(self) -> None:
        if self.store is not None:
            self.store.save(self.transcript)

    def _voice(self, move: ClientMove, on_chunk: Callable[[str], None] | None) -> Turn:
        reply = self.engine.voice(self.persona, move, self.transcript.turns, self.transcript.seed, on_chunk)
        turn = Turn(speaker="client", text=reply.text, move=move.kind, released=move.released,
                    voiced_by=reply.voiced_by, at=self.clock())
        self.transcript.turns.append(turn)
        self.last_move = move
        if move.ends_call:
            self.transcript.outcome = move.outcome
            self.transcript.ended = self.clock()
        self._save()
        return turn

    def start(self, on_chunk: Callable[[str], None] | None = None) -> Turn:
        """The client's opening line."""
        return self._voice(self.director.open(), on_chunk)

    def send(self, text: str, on_chunk: Callable[[str], None] | None = None) -> Turn:
        """One rep turn; returns the client's reply. The rep's turn is stored before the reply is voiced."""
        text = text.strip()
        if not text:
            raise RoleplayError("empty turn: say something to the client")
        if self.ended:
            raise RoleplayError("the call has ended")
        self.last_labels = analyse(text)
        self.transcript.turns.append(Turn(speaker="rep", text=text, at=self.clock()))
        self._save()
        return self._voice(self.director.respond(self.last_labels), on_chunk)

    def end(self) -> Turn | None:
        """The rep ends the call; the client says goodbye. Does nothing if the call is over."""
        if self.ended:
            return None
        return self._voice(self.director.close(), None)

    def hint(self) -> str:
        return self.director.hint()

    def grade(self, rubric: Rubric) -> Scorecard:
        """Score the call so far with the scenario's weights and the persona's level, and store the scorecard."""
        scorecard = grade(self.transcript, rubric, level=self.persona.level, weights=self.scenario.rubric_weights)
        if self.store is not None:
            self.store.save(self.transcript, scorecard)
        return scorecard

    @classmethod
    def resume(cls, library: Library, transcript: Transcript, engine: Engine | None = None, store=None,
               clock: Callable[[], datetime] = _now) -> CallSession:
        """Continue an unfinished call: the director's state is rebuilt from the rep's turns."""
        if transcript.outcome is not None:
            raise RoleplayError(f"call {transcript.id} has already ended ({transcript.outcome})")
        session = cls(library, transcript.scenario, engine=engine, store=store, rep=transcript.rep,
                      seed=transcript.seed, clock=clock)
        move = None
        for turn in transcript.rep_turns:
            move = session.director.respond(analyse(turn.text))
        session.transcript = transcript
        if move is not None and transcript.turns[-1].speaker == "rep":
            # Killed between the rep's turn and the reply: voice the reply now.
            session._voice(move, None)
        return session
