"""A practice scenario: which persona, at which purchase stage, with the rep's brief and goal."""

from pydantic import Field

from roleplay.domain.base import Strict
from roleplay.domain.vocabulary import Difficulty, Language, Outcome, PriceCause, Stage


class Brief(Strict):
    """What the rep is told before the call."""

    product: str
    """What you sell."""
    meeting: str
    """Who you meet and why."""
    goal: str
    """What this call should achieve."""


class CampaignStep(Strict):
    """A place on a multi-call campaign: the outcome won here unlocks the next scenario."""

    campaign: str
    step: int = Field(ge=1)
    unlocks: str | None = None
    """The scenario id opened by winning `unlocked_by` here."""
    unlocked_by: Outcome | None = None


class Scenario(Strict):
    """One call to practise."""

    id: str
    title: str
    persona: str
    stage: Stage
    language: Language = "en"
    difficulty: Difficulty = "normal"
    turn_limit: int = Field(default=20, ge=2)
    """Rep turns before the client closes the call."""
    brief: Brief
    success: list[Outcome] = Field(min_length=1)
    """Outcomes that count as a win."""
    success_criteria: list[str] = Field(min_length=1)
    price_cause: PriceCause | None = None
    """The hidden cause behind 'too expensive'; the persona's default when absent."""
    campaign: CampaignStep | None = None
    rubric: str = "default"
    rubric_weights: dict[str, float] = {}
    """Per-scenario weight overrides for the rubric's dimensions."""

