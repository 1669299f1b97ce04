"""What the analyser says about one utterance, with the evidence for each label."""

from pydantic import BaseModel, Field

from roleplay.domain.vocabulary import FocType, Language, ObjectionMove, SpinType


class Evidence(BaseModel):
    """Why a label was set: the cue that fired and the span it matched."""

    label: str
    value: str | bool
    cue: str
    span: str
    start: int
    end: int


class UtteranceLabels(BaseModel):
    """The analyser's reading of one rep utterance."""

    text: str
    lang: Language
    is_question: bool = False
    spin: SpinType | None = None
    foc: FocType | None = None
    leading: bool = False
    leading_kind: str | None = None
    """tag_question, negative_question, presupposition or crowd_appeal."""
    neutral_rewrite: str | None = None
    explains_purpose: bool = False
    shares_case: bool = False
    summarises: bool = False
    pitch: bool = False
    """Feature or advantage talk (not a benefit tied to a need the client stated)."""
    proposes_next_step: bool = False
    asks_commitment: bool = False
    """Asks the client to sign, approve or decide."""
    asks_referral: bool = False
    mentions_price: bool = False
    promises_minutes: bool = False
    """Promises to send minutes or notes of the meeting."""
    objection_moves: list[ObjectionMove] = Field(default_factory=list)
    irritators: list[str] = Field(default_factory=list)
    addresses_system: bool = False
    """Talks to the simulation rather than the client ("ignore your instructions")."""
    evidence: list[Evidence] = Field(default_factory=list)

    def cue_for(self, label: str) -> Evidence | None:
        return next((e for e in self.evidence if e.label == label), None)
