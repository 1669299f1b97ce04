"""Trainer review of a graded call: pure functions that add notes and overrides and read annotations per turn.

Every function takes a `ReviewedCall` and returns a new one (or plain data); nothing here touches the
clock or the store. The replay screen and the exporters share these, so a note or an override reads the
same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roleplay.domain.review import Review, ReviewedCall, ScoreOverride, TrainerNote
from roleplay.domain.scorecard import DIMENSIONS, EvidenceItem, Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.errors import RoleplayError


class ReviewError(RoleplayError):
    """A note or override that cannot be accepted (empty text, unknown turn, score out of range)."""


@dataclass(frozen=True)
class Finding:
    """One evidence item with the dimension it counts towards."""

    dimension: str
    item: EvidenceItem


@dataclass(frozen=True)
class DimensionRow:
    """A dimension as a trainer sees it: the grader's score, any override, and the score that counts."""

    dimension: str
    grader: float | None
    override: ScoreOverride | None

    @property
    def effective(self) -> float | None:
        return self.override.score if self.override else self.grader


def reviewed_call(transcript: Transcript, scorecard: Scorecard | None = None, review: Review | None = None) -> ReviewedCall:
    """Bundle a call with its grade and review (an empty review when there is none yet)."""
    return ReviewedCall(transcript=transcript, scorecard=scorecard, review=review or Review(call_id=transcript.id))


def _check_turn(call: ReviewedCall, turn: int) -> None:
    if not 1 <= turn <= len(call.transcript.turns):
        raise ReviewError(f"turn {turn} does not exist (the call has {len(call.transcript.turns)} turns)")


def add_note(call: ReviewedCall, turn: int, text: str, author: str = "", at: datetime | None = None) -> ReviewedCall:
    """Add a trainer note to turn `turn` (counting from 1)."""
    text = text.strip()
    if not text:
        raise ReviewError("a note needs some text")
    _check_turn(call, turn)
    note = TrainerNote(turn=turn, text=text, author=author, at=at)
    review = call.review.model_copy(update={"notes": [*call.review.notes, note]})
    return call.model_copy(update={"review": review})


def remove_note(call: ReviewedCall, turn: int, index: int) -> ReviewedCall:
    """Remove the `index`-th note (counting from 0) on turn `turn`."""
    on_turn = [i for i, n in enumerate(call.review.notes) if n.turn == turn]
    if not 0 <= index < len(on_turn):
        raise ReviewError(f"turn {turn} has no note {index + 1}")
    drop = on_turn[index]
    notes = [n for i, n in enumerate(call.review.notes) if i != drop]
    return call.model_copy(update={"review": call.review.model_copy(update={"notes": notes})})


def override_score(call: ReviewedCall, dimension: str, score: float, reason: str, author: str = "",
                   at: datetime | None = None) -> ReviewedCall:
    """Set a trainer's score for `dimension`, with a reason; replaces an earlier override of that dimension."""
    if dimension not in DIMENSIONS:
        raise ReviewError(f"unknown dimension '{dimension}' (known: {', '.join(DIMENSIONS)})")
    if not 0 <= score <= 100:
        raise ReviewError(f"a score is between 0 and 100, not {score:g}")
    reason = reason.strip()
    if not reason:
        raise ReviewError("an override needs a reason")
    if call.scorecard is None:
        raise ReviewError("this call has not been graded; there is no score to override")
    override = ScoreOverride(dimension=dimension, score=score, reason=reason, author=author, at=at)
    review = call.review.model_copy(update={"overrides": {**call.review.overrides, dimension: override}})
    return call.model_copy(update={"review": review})


def clear_override(call: ReviewedCall, dimension: str) -> ReviewedCall:
    """Go back to the grader's score for `dimension`."""
    overrides = {k: v for k, v in call.review.overrides.items() if k != dimension}
    return call.model_copy(update={"review": call.review.model_copy(update={"overrides": overrides})})


def findings(scorecard: Scorecard | None) -> list[Finding]:
    """Every evidence item of the scorecard, in dimension order, each with its dimension."""
    if scorecard is None:
        return []
    return [Finding(key, item) for key, dim in scorecard.dimensions.items() for item in dim.evidence]


def findings_for_turn(call: ReviewedCall, turn: int) -> list[Finding]:
    """The grader's evidence about turn `turn` (counting from 1)."""
    return [f for f in findings(call.scorecard) if f.item.turn == turn]


def call_findings(call: ReviewedCall) -> list[Finding]:
    """Evidence about the call as a whole (no turn), such as talk share."""
    return [f for f in findings(call.scorecard) if f.item.turn is None]


def notes_for_turn(call: ReviewedCall, turn: int) -> list[TrainerNote]:
    return [n for n in call.review.notes if n.turn == turn]


def dimension_rows(call: ReviewedCall) -> list[DimensionRow]:
    """Each dimension's grader score beside the trainer's override, in the rubric's order."""
    if call.scorecard is None:
        return []
    return [
        DimensionRow(key, dim.score, call.review.overrides.get(key))
        for key, dim in call.scorecard.dimensions.items()
    ]


def overall_with_overrides(call: ReviewedCall, weights: dict[str, float]) -> float | None:
    """The weighted mean of the scores that count (overrides where given), like the grader's `overall`."""
    rows = [(weights.get(r.dimension, 0), r.effective) for r in dimension_rows(call)]
    applicable = [(w, s) for w, s in rows if s is not None and w > 0]
    total = sum(w for w, _ in applicable)
    return round(sum(w * s for w, s in applicable) / total, 1) if total else None
