"""A call as it happened: the turns, who spoke, what the director decided, and how it ended."""

from datetime import datetime

from pydantic import BaseModel, Field

from roleplay.domain.vocabulary import Outcome, Speaker

__all__ = ["Outcome", "Speaker", "Transcript", "Turn"]


class Turn(BaseModel):
    """One utterance."""

    speaker: Speaker
    text: str
    move: str | None = None
    """For client turns: the director's move that this turn voices."""
    released: list[str] = []
    """For client turns: the hidden disclosures released this turn."""
    voiced_by: str | None = None
    """For client turns: `scripted`, `llm`, or `fallback` when an LLM reply was replaced."""
    at: datetime | None = None


class Transcript(BaseModel):
    """A whole call, stored turn by turn as it happens."""

    id: str
    scenario: str | None = None
    persona: str | None = None
    rep: str = "rep"
    language: str = "en"
    difficulty: str = "normal"
    engine: str = "scripted"
    model: str | None = None
    seed: int = 0
    started: datetime | None = None
    ended: datetime | None = None
    outcome: Outcome | None = None
    """None while the call is in progress (a resumable call)."""
    turns: list[Turn] = Field(default_factory=list)

    @property
    def rep_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "rep"]
