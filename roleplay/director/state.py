"""The persona's hidden state during a call."""

from typing import Literal

from pydantic import BaseModel

from roleplay.domain.vocabulary import Outcome, PriceCause

ObjectionState = Literal["none", "raised", "diagnosed", "settled"]


class DirectorState(BaseModel):
    """Everything the director knows about the call so far; rebuilt by replaying the rep's turns."""

    trust: int = 0
    patience: int = 1
    max_patience: int = 1
    released: list[str] = []
    rep_turns: int = 0
    situation_run: int = 0
    bare_question_run: int = 0
    purpose_explained: bool = False
    cases_shared: int = 0
    explicit_need: bool = False
    """A payoff (the client's explicit need) has been released."""
    objection: ObjectionState = "none"
    price_cause: PriceCause | None = None
    concessions_given: int = 0
    outcome: Outcome | None = None
    ended: bool = False

    @property
    def mood(self) -> str:
        """A one-word read of the client for the practice panel."""
        if self.ended:
            return "gone" if self.outcome == "ended_early" else "done"
        share = self.patience / self.max_patience
        if share <= 0.34:
            return "impatient"
        if self.trust >= 2:
            return "engaged"
        if share < 0.75 or self.trust < 0:
            return "guarded"
        return "neutral"
