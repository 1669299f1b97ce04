"""A trainer's review of a stored call: notes on turns and score overrides, kept beside the grader's scores."""

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from roleplay.domain.scorecard import DIMENSIONS, Scorecard
from roleplay.domain.transcript import Transcript


class TrainerNote(BaseModel):
    """A trainer's comment on one turn."""

    turn: int = Field(ge=1)
    """The turn's number in the transcript, counting from 1 (as in evidence items)."""
    text: str = Field(min_length=1)
    author: str = ""
    at: datetime | None = None


class ScoreOverride(BaseModel):
    """A trainer's score for a dimension; the grader's score is kept, never replaced."""

    dimension: str
    score: float = Field(ge=0, le=100)
    reason: str = Field(min_length=1)
    """Why the trainer disagrees with the grader; an override without a reason is not accepted."""
    author: str = ""
    at: datetime | None = None

    @field_validator("dimension")
    @classmethod
    def _known_dimension(cls, value: str) -> str:
        if value not in DIMENSIONS:
            raise ValueError(f"unknown dimension '{value}' (known: {', '.join(DIMENSIONS)})")
        return value


class Review(BaseModel):
    """Everything trainers added to one call."""

    call_id: str
    notes: list[TrainerNote] = []
    overrides: dict[str, ScoreOverride] = {}
    """By dimension key."""
    revision: int = 0
    """How many times this review has been saved; a save made from an older copy is refused."""


class ReviewedCall(BaseModel):
    """A stored call with its grade and the trainers' annotations: what the replay screen and exports show."""

    transcript: Transcript
    scorecard: Scorecard | None = None
    review: Review
