"""The director: decides each client move from the rep's labelled turn and the persona's hidden state.

It is the only place that knows the persona's hidden facts. Engines are told the move and the texts
it releases, never anything else, so no engine can over-share.
"""

from __future__ import annotations

import re

from roleplay.analysis.sentences import split_sentences
from roleplay.director.moves import Beat, ClientMove
from roleplay.director.state import DirectorState
from roleplay.domain.labels import UtteranceLabels
from roleplay.domain.persona import Disclosure, Persona
from roleplay.domain.scenario import Scenario

# Difficulty changes patience and every trust threshold (METHOD.md 7: practise somewhere safe first).
DIFFICULTY = {"easy": (+2, -1), "normal": (0, 0), "hard": (-2, +1)}
MAX_TRUST_FROM_CASES = 2


class CallOver(RuntimeError):
    """A turn was sent after the call ended."""


class Director:
    """Plays one persona through one call."""

    def __init__(self, persona: Persona, scenario: Scenario):
        self.persona = persona
        self.scenario = scenario
        patience_delta, self.threshold_delta = DIFFICULTY[scenario.difficulty]
        patience = max(1, persona.behaviour.patience + patience_delta)
        cause = scenario.price_cause or (persona.objection.default_cause if persona.objection else None)
        self.state = DirectorState(
            trust=persona.behaviour.trust_start,
            patience=patience,
            max_patience=patience,
            price_cause=cause,
        )

    # -- the call --------------------------------------------------------------------------------

    def open(self) -> ClientMove:
        return ClientMove(kind="opening", beats=[Beat(line="opening")], reason="The client opens the call.")

    def respond(self, rep: UtteranceLabels) -> ClientMove:
        """Decide the client's move for one rep turn and update the hidden state."""
        s = self.state
        if s.ended:
            raise CallOver("the call has ended")
        s.rep_turns += 1
        move = self._decide(rep)
        if not move.ends_call and s.patience <= 0:
            move = self._end_early(move.beats + [Beat(line="end_call")], "The client ran out of patience.")
        if not move.ends_call and s.rep_turns >= self.scenario.turn_limit:
            move.beats.append(Beat(line="goodbye"))
            move.ends_call, move.outcome = True, "continuation"
            move.reason += " The time for this call is up."
        if move.ends_call:
            s.ended = True
            s.outcome = move.outcome
        return move

    def close(self) -> ClientMove:
        """The rep ends the call."""
        s = self.state
        s.ended = True
        s.outcome = s.outcome or "continuation"
        return ClientMove(kind="goodbye", beats=[Beat(line="goodbye")], ends_call=True, outcome=s.outcome,
                          reason="The rep ended the call.")

    # -- decisions -------------------------------------------------------------------------------

    def _decide(self, rep: UtteranceLabels) -> ClientMove:
        s, b = self.state, self.persona.behaviour
        if rep.addresses_system:
            return ClientMove(kind="deflect", beats=[Beat(line="deflect")],
                              reason="The client ignores text addressed to the simulation.")

        if rep.explains_purpose:
            if not s.purpose_explained:
                s.trust += 1
            s.purpose_explained = True
        if rep.shares_case and s.cases_shared < MAX_TRUST_FROM_CASES:
            s.cases_shared += 1
            s.trust += 1
        # Interrogation is a run of bare fact-finding questions; a question about consequences or
        # value engages the client instead (METHOD.md 4).
        if rep.explains_purpose or rep.shares_case or rep.summarises or not rep.is_question:
            s.bare_question_run = 0
        elif rep.spin in ("situation", "problem"):
            s.bare_question_run += 1

        if self.persona.objection and s.objection in ("raised", "diagnosed"):
            handled = self._handle_objection(rep)
            if handled:
                return handled

        if rep.leading and rep.is_question:
            s.trust -= 1
            s.patience -= 1
            return ClientMove(kind="pushback_leading", beats=[Beat(line="pushback_leading")],
                              reason=f"A leading question ({(rep.leading_kind or 'leading').replace('_', ' ')}) gets push-back and no new information.")

        if rep.pitch and not s.explicit_need:
            if b.pitch_before_need == "end_call":
                return self._end_early([Beat(line="end_call")],
                                       "Presenting features before any need was stated ends the call with this client.")
            s.trust -= 1
            s.patience -= 1
            return ClientMove(kind="early_pitch", beats=[Beat(line="early_pitch")],
                              reason="Features before an explicit need make the client defensive.")

        if self.persona.objection and s.objection == "none" and (
            rep.mentions_price or rep.asks_commitment or rep.proposes_next_step
        ):
            s.objection = "raised"
            return ClientMove(kind="raise_objection", beats=[Beat(line="objection.raise_lines")],
                              reason="Price came up: the buyer says it is too expensive.")

        if rep.asks_referral or rep.proposes_next_step or rep.asks_commitment:
            return self._next_step(rep)

        if rep.spin is not None:
            return self._answer(rep)

        s.situation_run = 0
        if rep.explains_purpose:
            return ClientMove(kind="acknowledge_purpose", beats=[Beat(line="acknowledge_purpose")],
                              reason="Explaining why you ask earns some trust.")
        return ClientMove(kind="acknowledge", beats=[Beat(line="acknowledge")], reason="Nothing to answer.")

    def _answer(self, rep: UtteranceLabels) -> ClientMove:
        s, b = self.state, self.persona.behaviour
        if rep.spin == "situation":
            s.situation_run += 1
            if b.situation_is_detail:
                if b.max_situation_run and s.situation_run >= b.max_situation_run:
                    return self._end_early([Beat(line="end_call")],
                                           f"{b.max_situation_run} detail questions in a row: this client has no time for them.")
                s.patience -= 1
                return ClientMove(kind="detail", beats=[Beat(line="detail")],
                                  reason="Detail questions waste an executive's time; ask about strategy and outcomes.")
        else:
            s.situation_run = 0
        if s.bare_question_run >= b.max_bare_question_run:
            s.bare_question_run = 0
            s.patience -= 1
            return ClientMove(kind="interrogation", beats=[Beat(line="interrogation")],
                              reason="Many bare questions in a row feel like an interrogation; explain why you ask or share something.")
        disclosure = self._candidate(rep)
        if disclosure is None:
            kind = rep.spin.replace("_", "-")
            if any(self.gate_open(d, rep.spin, ignore_trust=True) for d in self.persona.disclosures):
                why = (f"The client does not trust you enough yet to answer this {kind} question: "
                       "explain why you ask, share a relevant case, and avoid leading questions.")
            else:
                why = f"No new information opens to a {kind} question right now."
            return ClientMove(kind="nothing_new", beats=[Beat(line="nothing_new")], reason=why)
        s.released.append(disclosure.id)
        if disclosure.kind in ("implication", "payoff"):
            s.trust += 1
        if disclosure.kind == "payoff":
            s.explicit_need = True
        return ClientMove(kind="answer", beats=[Beat(line="disclosure", disclosure=disclosure.id)],
                          released=[disclosure.id],
                          reason=f"The {rep.spin.replace('_', '-')} question drew out a {disclosure.kind}.")

    def _candidate(self, rep: UtteranceLabels) -> Disclosure | None:
        text = self._question_text(rep).lower()
        words = set(re.findall(r"[\w'-]+", text))

        def hits(d: Disclosure) -> int:
            # Whole words for spaced languages; substrings for Chinese, which has no spaces.
            return sum(1 for t in d.topics if (t.lower() in words if t.isascii() else t in text))

        open_ = [d for d in self.persona.disclosures if self.gate_open(d, rep.spin)]
        if open_:
            return max(open_, key=hits)  # max() keeps the first on ties: file order decides
        if rep.spin == "implication":
            # Asking what a problem costs before it has surfaced: the client first names the
            # problem itself, if the question is about it.
            pains = [d for d in self.persona.disclosures if self.gate_open(d, "problem") and hits(d)]
            if pains:
                return max(pains, key=hits)
        return None

    @staticmethod
    def _question_text(rep: UtteranceLabels) -> str:
        """The sentence(s) that asked the question: a case told before it must not steer the answer."""
        starts = [e.start for e in rep.evidence if e.label == "spin"]
        sentences = [s.text for s in split_sentences(rep.text) if any(s.start <= a < s.start + len(s.text) for a in starts)]
        return " ".join(sentences) or rep.text

    def gate_open(self, d: Disclosure, spin: str | None, ignore_trust: bool = False) -> bool:
        """Whether a question of type `spin` may release `d` now."""
        s = self.state
        return (
            d.id not in s.released
            and spin in d.asked_by
            and all(a in s.released for a in d.after)
            # Basic facts are shared even by a guarded client; trust gates only what asks for it.
            and (ignore_trust or d.min_trust <= 0 or s.trust >= d.min_trust + self.threshold_delta)
        )

    def _next_step(self, rep: UtteranceLabels) -> ClientMove:
        s, auth = self.state, self.persona.authority
        wants_referral = rep.asks_referral or (not auth.can_commit and rep.proposes_next_step)
        if wants_referral and auth.referral:
            ref = auth.referral
            missing = [r for r in ref.requires if r not in s.released]
            if not missing and s.trust >= ref.min_trust + self.threshold_delta:
                return ClientMove(kind="referral_accept", beats=[Beat(line="referral_accept")], ends_call=True,
                                  outcome="referral", reason=f"The client refers you to {ref.name}, {ref.title}.")
            if s.trust < 0:  # asking a wary client for an introduction wears them down
                s.patience -= 1
            why = "you have not yet earned it: learn more about their situation and frustrations first" if missing else "trust is still too low"
            return ClientMove(kind="referral_decline", beats=[Beat(line="referral_decline")],
                              reason=f"No introduction yet: {why}.")
        if not auth.can_commit:
            return ClientMove(kind="cannot_commit", beats=[Beat(line="cannot_commit")],
                              reason="This client cannot commit; find out who decides and earn an introduction.")
        need_met = not auth.advance_requires_any or any(r in s.released for r in auth.advance_requires_any)
        if s.objection in ("raised", "diagnosed"):
            return ClientMove(kind="raise_objection", beats=[Beat(line="objection.raise_lines")],
                              reason="The price objection is still open.")
        if need_met and s.trust >= auth.advance_min_trust + self.threshold_delta:
            return ClientMove(kind="advance_accept", beats=[Beat(line="advance_accept")], ends_call=True,
                              outcome="advance", reason="The client agrees a concrete next step.")
        why = ("the client has not yet said what they need" if not need_met
               else "the client does not trust you enough yet; explain why you ask and share a relevant case")
        return ClientMove(kind="advance_decline", beats=[Beat(line="advance_decline")],
                          reason=f"Too early for a next step: {why}.")

    def _handle_objection(self, rep: UtteranceLabels) -> ClientMove | None:
        s = self.state
        cause = self.persona.objection.causes[s.price_cause]
        moves = set(rep.objection_moves)
        if "unconditional_concession" in moves:
            s.concessions_given += 1
            return ClientMove(kind="demand_more", beats=[Beat(line="objection.demand_more")],
                              reason="An unconditional discount invites a request for more.")
        if rep.irritators:
            s.patience -= 1
            return ClientMove(kind="irritated", beats=[Beat(line="objection.irritated")],
                              reason=f"'{rep.irritators[0]}' irritates a buyer; it argues instead of listening.")
        if "probe" in moves:
            s.objection = "diagnosed"
            return ClientMove(kind="reveal_cause", beats=[Beat(line=f"cause.{s.price_cause}.reveal")],
                              reason=f"The diagnosing question uncovered the real cause: {s.price_cause.replace('_', ' ')}.")
        settling = moves & set(cause.settled_by)
        bargaining_trade = "conditional_concession" in moves and s.price_cause == "bargaining_reflex"
        if settling and (s.objection == "diagnosed" or bargaining_trade):
            s.objection = "settled"
            s.trust += 1  # a concern answered on its real cause builds trust
            if rep.proposes_next_step and self.persona.authority.can_commit:
                return ClientMove(kind="advance_accept", beats=[Beat(line=f"cause.{s.price_cause}.settled"), Beat(line="advance_accept")],
                                  ends_call=True, outcome="advance",
                                  reason="The concern is settled and the next step agreed.")
            return ClientMove(kind="objection_settled", beats=[Beat(line=f"cause.{s.price_cause}.settled")],
                              reason=f"{sorted(settling)[0].replace('_', ' ').capitalize()} settles this concern.")
        if moves or rep.asks_commitment or rep.proposes_next_step:
            return ClientMove(kind="objection_not_yet", beats=[Beat(line="objection.not_yet")],
                              reason="Answering before you know why it feels expensive does not move the buyer; ask first.")
        return None

    def _end_early(self, beats: list[Beat], reason: str) -> ClientMove:
        self.state.patience = min(self.state.patience, 0)
        return ClientMove(kind="end_call", beats=beats, ends_call=True, outcome="ended_early", reason=reason)

    # -- coaching --------------------------------------------------------------------------------

    def hint(self) -> str:
        """What kind of rep move would move this call forward now."""
        s, p = self.state, self.persona
        kinds = {p.disclosure(i).kind for i in s.released}
        if s.objection == "raised":
            return "Ask what 'too expensive' is compared with before answering it."
        if s.objection == "diagnosed":
            cause = p.objection.causes[s.price_cause]
            return "Now answer the real cause: " + " or ".join(m.replace("_", " ") for m in cause.settled_by) + "."
        if not s.purpose_explained:
            return "Say why you are asking before you ask: it turns questions into a conversation."
        if any(self.gate_open(d, d.asked_by[0], ignore_trust=True) and not self.gate_open(d, d.asked_by[0])
               for d in p.disclosures):
            return "Build trust before going deeper: share a short case from a similar customer, then ask."
        if "pain" not in kinds:
            return "Ask a problem question: what is difficult or unsatisfying for them today?"
        if "implication" not in kinds:
            return "Ask an implication question: what does that problem cost or cause?"
        if "payoff" not in kinds and any(d.kind == "payoff" for d in p.disclosures):
            return "Ask a need-payoff question: what would solving it be worth to them?"
        if p.authority.referral and not p.authority.can_commit:
            return "Ask who else is affected and whether they could introduce you."
        return "Propose a concrete next step: who, what and when."
