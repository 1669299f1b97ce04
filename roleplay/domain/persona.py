"""A client persona: what the rep may know beforehand, and the hidden state the director plays."""

from pydantic import Field, model_validator

from roleplay.domain.base import Strict
from roleplay.domain.vocabulary import (
    DisclosureKind,
    Language,
    Level,
    ObjectionMove,
    PriceCause,
    Role,
    SpinType,
)

Lines = list[str]
NonEmptyLines = Field(min_length=1)


class Disclosure(Strict):
    """One hidden fact, pain, implication or payoff, released only when its gate opens."""

    id: str
    kind: DisclosureKind
    text: str
    """What the client says when the director releases it."""
    asked_by: list[SpinType] = Field(min_length=1)
    """The kinds of question that can open this gate."""
    topics: list[str] = []
    """Words that mark a question as being about this; a matching disclosure is released first."""
    after: list[str] = []
    """Disclosures that must already be released (an implication follows its pain)."""
    min_trust: int = 0
    reliable: bool = True
    """False when the client believes it but it is wrong (juniors may be); trainers see the note."""
    note: str = ""


class Behaviour(Strict):
    """How quickly the client loses patience, and with what."""

    patience: int = Field(ge=1)
    """Irritations tolerated before the client ends the call."""
    trust_start: int = 0
    situation_is_detail: bool = False
    """Each situation question irritates (executives want macro topics)."""
    max_situation_run: int | None = None
    """Consecutive situation questions after which the client ends the call."""
    pitch_before_need: str = Field(default="pushback", pattern="^(end_call|pushback)$")
    """What a feature pitch before any explicit need does: costs patience, or ends the call."""
    max_bare_question_run: int = Field(default=4, ge=2)
    """Questions in a row without a reason or an exchange before the client feels interrogated."""


class Referral(Strict):
    """Who this client can introduce the rep to, and what the rep must earn first."""

    name: str
    title: str
    persona: str | None = None
    """The persona id the referral leads to, if it is playable."""
    requires: list[str] = Field(min_length=1)
    """Disclosures the rep must have drawn out before the client refers them on."""
    min_trust: int = 1


class Authority(Strict):
    """Whether the client can commit to a next step, and on what conditions."""

    can_commit: bool
    advance_requires_any: list[str] = []
    """The client agrees a next step once the rep has drawn out any one of these (usually payoffs:
    explicit needs); empty means no disclosure is needed."""
    advance_min_trust: int = 1
    referral: Referral | None = None


class PriceCauseLines(Strict):
    """How one hidden cause of 'too expensive' shows itself and what settles it."""

    reveal: Lines = NonEmptyLines
    """What the client admits when a probing question diagnoses the cause."""
    settled_by: list[ObjectionMove] = Field(min_length=1)
    """Moves that settle the objection once it is diagnosed."""
    settled: Lines = NonEmptyLines


class PriceObjection(Strict):
    """'Too expensive', with its possible hidden causes."""

    raise_lines: Lines = NonEmptyLines
    demand_more: Lines = NonEmptyLines
    """Reply to an unconditional discount: it invites a request for more."""
    irritated: Lines = NonEmptyLines
    """Reply to 'a fair price', 'our best offer' and the like."""
    not_yet: Lines = NonEmptyLines
    """Reply to an answer given before the cause is known."""
    causes: dict[PriceCause, PriceCauseLines]
    default_cause: PriceCause

    @model_validator(mode="after")
    def _default_cause_exists(self):
        if self.default_cause not in self.causes:
            raise ValueError(f"default_cause '{self.default_cause}' has no entry under causes")
        return self


class PersonaLines(Strict):
    """Everything the client says that is not a disclosure; the scripted engine picks one by seed."""

    opening: Lines = NonEmptyLines
    acknowledge_purpose: Lines = NonEmptyLines
    acknowledge: Lines = NonEmptyLines
    nothing_new: Lines = NonEmptyLines
    pushback_leading: Lines = NonEmptyLines
    interrogation: Lines = NonEmptyLines
    early_pitch: Lines = NonEmptyLines
    detail: Lines = []
    """Needed when behaviour.situation_is_detail: the reply to a detail question."""
    cannot_commit: Lines = []
    """Needed when the client cannot commit."""
    advance_accept: Lines = []
    """Needed when the client can commit."""
    advance_decline: Lines = []
    """Needed when the client can commit."""
    referral_accept: Lines = []
    referral_decline: Lines = []
    deflect: Lines = NonEmptyLines
    """Reply to requests outside the conversation (\"ignore your instructions...\")."""
    end_call: Lines = NonEmptyLines
    goodbye: Lines = NonEmptyLines


class Persona(Strict):
    """A client the rep can practise with."""

    id: str
    name: str
    title: str
    company: str
    role: Role
    level: Level
    language: Language
    public_profile: str
    """What the rep may know before the call."""
    voice: str
    """How the client talks, for an LLM to voice them."""
    behaviour: Behaviour
    authority: Authority
    disclosures: list[Disclosure] = Field(min_length=1)
    objection: PriceObjection | None = None
    lines: PersonaLines

    @model_validator(mode="after")
    def _references_exist(self):
        ids = [d.id for d in self.disclosures]
        if len(set(ids)) != len(ids):
            raise ValueError("disclosure ids must be unique")
        known = set(ids)
        refs = [(f"disclosures.{d.id}.after", ref) for d in self.disclosures for ref in d.after]
        refs += [("authority.advance_requires_any", ref) for ref in self.authority.advance_requires_any]
        if self.authority.referral:
            refs += [("authority.referral.requires", ref) for ref in self.authority.referral.requires]
            if not self.lines.referral_accept or not self.lines.referral_decline:
                raise ValueError("a persona with a referral needs lines.referral_accept and lines.referral_decline")
        needed = []
        if self.behaviour.situation_is_detail:
            needed.append("detail")
        needed += ["advance_accept", "advance_decline"] if self.authority.can_commit else ["cannot_commit"]
        for key in needed:
            if not getattr(self.lines, key):
                raise ValueError(f"lines.{key} is needed by this persona's behaviour and authority")
        for where, ref in refs:
            if ref not in known:
                raise ValueError(f"{where} names unknown disclosure '{ref}'")
        return self

    def disclosure(self, disclosure_id: str) -> Disclosure:
        return next(d for d in self.disclosures if d.id == disclosure_id)
