"""The grade of a call: seven dimensions, each with a score and the evidence behind it."""

from pydantic import BaseModel

DIMENSIONS: tuple[str, ...] = (
    "discovery",
    "neutrality",
    "purpose_and_exchange",
    "audience_fit",
    "pitch_timing",
    "objection_handling",
    "advance",
)


class EvidenceItem(BaseModel):
    """One traceable reason behind a score."""

    turn: int | None
    """The turn's number in the transcript, counting from 1; None for a finding about the whole call."""
    speaker: str | None = None
    quote: str = ""
    """The exact span of the turn that the rule matched."""
    rule: str
    effect: float
    """Points added to (or taken from) the dimension."""
    note: str = ""


class DimensionScore(BaseModel):
    """A dimension's score, or None when it does not apply to the call."""

    score: float | None
    evidence: list[EvidenceItem] = []
    tips: list[str] = []


class Scorecard(BaseModel):
    """A graded call, with what produced the grade so it can be reproduced."""

    overall: float | None
    dimensions: dict[str, DimensionScore]
    metrics: dict[str, object] = {}
    grader_version: str
    rubric: str
    rubric_hash: str
    language: str
    engine: str | None = None
    model: str | None = None
    seed: int | None = None
