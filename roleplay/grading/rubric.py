"""The rubric: weights, thresholds and points, read from `rubrics/<id>.yaml`."""

from __future__ import annotations

import hashlib
import json

from pydantic import Field, PrivateAttr, model_validator

from roleplay.domain.base import Strict
from roleplay.domain.scorecard import DIMENSIONS


class Thresholds(Strict):
    situation_questions_before_penalty: int = 4
    bare_question_run: int = 3
    talk_share_max: float = 0.65
    talk_share_good_low: float = 0.30
    talk_share_good_high: float = 0.55


class Points(Strict):
    discovery_base: float = 30
    problem_question: float = 6
    implication_question: float = 9
    need_payoff_question: float = 9
    per_type_cap: int = 3
    extra_situation_question: float = -5
    explicit_need: float = 12
    progression: float = 10
    leading_question: float = -25
    explains_purpose: float = 25
    shares_case: float = 15
    summarises: float = 10
    interrogation_run: float = -15
    talk_share_high: float = -15
    talk_share_good: float = 10
    exchange_base: float = 40
    audience_base: float = 70
    audience_good: float = 8
    audience_poor: float = -12
    pitch_before_need: float = -35
    benefit_after_need: float = 5
    objection_base: float = 40
    probe_first: float = 30
    settling_move: float = 15
    answer_before_probe: float = -10
    unconditional_concession: float = -25
    irritator: float = -10
    next_step_accepted: float = 80
    next_step_proposed: float = 45
    minutes_promised: float = 20
    vague_close: float = 10


class Rubric(Strict):
    """How a call is scored."""

    id: str
    title: str
    weights: dict[str, float]
    thresholds: Thresholds = Field(default_factory=Thresholds)
    points: Points = Field(default_factory=Points)
    describe: dict[str, str] = {}
    """What good looks like, per dimension, shown to the rep before the call."""
    tips: dict[str, str] = {}
    """Concrete advice, keyed by the finding that triggers it."""
    _hash: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _known_dimensions(self):
        unknown = set(self.weights) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"weights: unknown dimension(s) {', '.join(sorted(unknown))}")
        return self

    def with_weights(self, overrides: dict[str, float]) -> Rubric:
        if not overrides:
            return self
        return self.model_validate({**self.model_dump(), "weights": {**self.weights, **overrides}})

    @property
    def hash(self) -> str:
        """A short, stable hash of everything that affects a score (worked out once per rubric)."""
        if self._hash is None:
            blob = json.dumps(self.model_dump(exclude={"describe", "title", "tips"}), sort_keys=True)
            self._hash = hashlib.sha256(blob.encode()).hexdigest()[:12]
        return self._hash
