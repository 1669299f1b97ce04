"""Rule-based grading: every point is traced to a turn, a quoted span and the rule that fired."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from roleplay.analysis import analyse
from roleplay.analysis.sentences import Sentence, split_sentences
from roleplay.analysis.client import ClientLabels, analyse_client
from roleplay.analysis.language import HAN_RUN, detect_language
from roleplay.domain.labels import UtteranceLabels
from roleplay.domain.scorecard import DIMENSIONS, DimensionScore, Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.grading.rubric import Rubric

GRADER_VERSION = "1.0"
_WORD = re.compile(r"[A-Za-z0-9']+")
# ASCII text with each character of a word (_WORD) made "a" and every other a space: its split() is its words.
_ASCII_WORDS = bytes(ord("a") if chr(c).isalnum() or chr(c) == "'" else ord(" ") for c in range(128)) + bytes(128)


def talk_units(text: str) -> int:
    """Words for English, characters for Chinese (DESIGN: text has no audio, so talk share is by words)."""
    if text.isascii():  # the common case, counted at C speed
        return len(text.encode().translate(_ASCII_WORDS).split())
    return len(_WORD.findall(text)) + sum(map(len, HAN_RUN.findall(text)))


@dataclass
class RepTurn:
    n: int
    """Turn number, counting from 1."""
    text: str
    labels: UtteranceLabels


@dataclass
class ClientTurn:
    n: int
    text: str
    labels: ClientLabels


@dataclass
class Dimension:
    """Builds one dimension's score from a base and evidence items."""

    base: float
    items: list[dict] = field(default_factory=list)
    """EvidenceItem fields: the score validates them all at once, which costs far less than one by one."""
    tips: list[str] = field(default_factory=list)

    def add(self, turn: int | None, quote: str, rule: str, effect: float, note: str = "", speaker: str | None = "rep"):
        self.items.append({"turn": turn, "speaker": speaker if turn else None, "quote": quote, "rule": rule,
                           "effect": effect, "note": note})

    def score(self) -> DimensionScore:
        total = self.base + sum(i["effect"] for i in self.items)
        return DimensionScore(score=round(max(0.0, min(100.0, total)), 1), evidence=self.items, tips=self.tips[:2])


def _span(labels: UtteranceLabels, label: str, value=None) -> str:
    """The exact text of the cue that decided a label."""
    for e in labels.evidence:
        if e.label == label and (value is None or e.value == value):
            return e.span
    return labels.text


def _sentence(labels: UtteranceLabels, label: str, value=None) -> str:
    """The sentence holding the cue that decided a label: a quote a rep recognises."""
    for e in labels.evidence:
        if e.label == label and (value is None or e.value == value):
            for s in _sentences(labels.text):
                if s.start <= e.start < s.start + len(s.text):
                    return s.text
    return labels.text


@lru_cache(maxsize=64)
def _sentences(text: str) -> list[Sentence]:
    """A turn's sentences; several dimensions quote the same turn."""
    return split_sentences(text)


def _strip_addressed_to_system(text: str, labels: UtteranceLabels) -> str:
    """Drop sentences aimed at the simulation or the grader: they must change nothing."""
    spans = [(e.start, e.end) for e in labels.evidence if e.label == "addresses_system"]
    kept = [s.text for s in split_sentences(text) if not any(s.start <= a < s.start + len(s.text) for a, _ in spans)]
    return " ".join(kept)


def read_turns(transcript: Transcript) -> tuple[list[RepTurn], list[ClientTurn], list[str]]:
    """Analyse every turn; text addressed to the grader is set aside and reported."""
    reps, clients, ignored = [], [], []
    for i, turn in enumerate(transcript.turns, start=1):
        text = turn.text.strip()
        if not text:
            continue
        if turn.speaker == "rep":
            labels = analyse(text)
            if labels.addresses_system:
                ignored.append(f"turn {i}: {text}")
                text = _strip_addressed_to_system(text, labels)
                if not text:
                    continue
                labels = analyse(text, labels.lang)
            reps.append(RepTurn(i, text, labels))
        else:
            clients.append(ClientTurn(i, text, analyse_client(text)))
    return reps, clients, ignored


def grade(
    transcript: Transcript,
    rubric: Rubric,
    level: str | None = None,
    weights: dict[str, float] | None = None,
) -> Scorecard:
    """Score a call. `level` is the persona's level (executive, manager, junior) when known."""
    rubric = rubric.with_weights(weights or {})
    reps, clients, ignored = read_turns(transcript)
    m = _metrics(reps, clients, rubric)
    m["ignored_text_addressed_to_grader"] = ignored
    langs = Counter(r.labels.lang for r in reps) or Counter([detect_language(" ".join(t.text for t in transcript.turns))])
    dims: dict[str, DimensionScore] = {}
    if reps:
        g = _Grader(reps, clients, rubric, m, transcript.outcome)
        dims = {
            "discovery": g.discovery(),
            "neutrality": g.neutrality(),
            "purpose_and_exchange": g.purpose_and_exchange(),
            "audience_fit": g.audience_fit(level),
            "pitch_timing": g.pitch_timing(),
            "objection_handling": g.objection_handling(),
            "advance": g.advance(),
        }
    dims = {k: dims.get(k) or DimensionScore(score=None) for k in DIMENSIONS}
    applicable = [(k, d.score) for k, d in dims.items() if d.score is not None and rubric.weights.get(k, 0) > 0]
    total_w = sum(rubric.weights[k] for k, _ in applicable)
    overall = round(sum(rubric.weights[k] * s for k, s in applicable) / total_w, 1) if total_w else None
    return Scorecard(
        overall=overall,
        dimensions=dims,
        metrics=m,
        grader_version=GRADER_VERSION,
        rubric=rubric.id,
        rubric_hash=rubric.hash,
        language=langs.most_common(1)[0][0],
        engine=transcript.engine,
        model=transcript.model,
        seed=transcript.seed,
    )


def _is_bare_question(r: RepTurn) -> bool:
    x = r.labels
    return x.spin is not None and not (x.explains_purpose or x.shares_case or x.summarises)


def _metrics(reps: list[RepTurn], clients: list[ClientTurn], rubric: Rubric) -> dict:
    spin = Counter(r.labels.spin for r in reps if r.labels.spin)
    questions = sum(spin.values())
    rep_units = sum(talk_units(r.text) for r in reps)
    client_units = sum(talk_units(c.text) for c in clients)
    longest = run = 0
    for r in reps:
        run = run + 1 if _is_bare_question(r) else 0
        longest = max(longest, run)
    first_pitch = next((r.n for r in reps if r.labels.pitch), None)
    first_need = next((c.n for c in clients if c.labels.explicit_need), None)
    leading = sum(1 for r in reps if r.labels.leading)
    return {
        "rep_turns": len(reps),
        "client_turns": len(clients),
        "questions": questions,
        "spin": {k: spin.get(k, 0) for k in ("situation", "problem", "implication", "need_payoff")},
        "talk_share": round(rep_units / (rep_units + client_units), 3) if rep_units + client_units else None,
        "longest_bare_question_run": longest,
        "first_pitch_turn": first_pitch,
        "first_explicit_need_turn": first_need,
        "leading_rate": round(leading / questions, 3) if questions else None,
        "irritators": sum(len(r.labels.irritators) for r in reps),
    }


class _Grader:
    def __init__(self, reps, clients, rubric: Rubric, metrics: dict, outcome):
        self.reps: list[RepTurn] = reps
        self.clients: list[ClientTurn] = clients
        self.r = rubric
        self.p = rubric.points
        self.t = rubric.thresholds
        self.m = metrics
        self.outcome = outcome
        self.questions = [r for r in reps if r.labels.spin]

    def tip(self, dim: Dimension, key: str) -> None:
        text = self.r.tips.get(key)
        if text and text not in dim.tips:
            dim.tips.append(text)

    def discovery(self) -> DimensionScore:
        p = self.p
        if not self.questions:
            d = Dimension(0)
            d.add(None, "", "discovery.no_questions", 0, "No discovery question was asked.")
            self.tip(d, "no_questions")
            return d.score()
        d = Dimension(p.discovery_base)
        counted = Counter()
        situation = 0
        for r in self.questions:
            kind = r.labels.spin
            quote = _sentence(r.labels, "spin", kind)
            if kind == "situation":
                situation += 1
                if situation > self.t.situation_questions_before_penalty:
                    d.add(r.n, quote, "discovery.extra_situation_question", p.extra_situation_question,
                          f"Situation question number {situation}; successful sellers ask few.")
                continue
            if r.labels.leading:
                # A need the rep put into the client's mouth is not discovered (METHOD.md 3-4).
                d.add(r.n, quote, f"discovery.leading_{kind}_not_counted", 0,
                      "Leading, so it earns no discovery credit; see Neutral questions.")
                continue
            counted[kind] += 1
            if counted[kind] <= p.per_type_cap:
                d.add(r.n, quote, f"discovery.{kind}_question", getattr(p, f"{kind}_question"),
                      f"{kind.replace('_', '-').capitalize()} question (cue: {_span(r.labels, 'spin', kind)!r}).")
        need = next((c for c in self.clients if c.labels.explicit_need), None)
        if need:
            d.add(need.n, _client_span(need, "explicit_need"), "discovery.explicit_need", p.explicit_need,
                  "The client stated an explicit need.", speaker="client")
        firsts = {k: next((r.n for r in self.questions if r.labels.spin == k), None)
                  for k in ("problem", "implication", "need_payoff")}
        order = [firsts[k] for k in ("problem", "implication", "need_payoff") if firsts[k] is not None]
        if firsts["problem"] and firsts["implication"] and order == sorted(order):
            turn = next(r for r in self.questions if r.n == firsts["implication"])
            d.add(turn.n, _sentence(turn.labels, "spin", "implication"), "discovery.progression", p.progression,
                  "Questions progressed from problem to implication" + (" to need-payoff." if firsts["need_payoff"] else "."))
        if not counted["problem"]:
            self.tip(d, "few_problem")
        if not counted["implication"]:
            self.tip(d, "no_implication")
        if not counted["need_payoff"]:
            self.tip(d, "no_need_payoff")
        if situation > self.t.situation_questions_before_penalty:
            self.tip(d, "too_many_situation")
        return d.score()

    def neutrality(self) -> DimensionScore:
        if not self.questions:
            return DimensionScore(score=None)
        d = Dimension(100)
        for r in self.reps:
            if r.labels.leading:
                d.add(r.n, _span(r.labels, "leading", r.labels.leading_kind), f"neutrality.{r.labels.leading_kind}",
                      self.p.leading_question, f"Leading ({r.labels.leading_kind.replace('_', ' ')}). Neutral: {r.labels.neutral_rewrite}")
        if d.items:
            self.tip(d, "leading")
        else:
            n = len(self.questions)
            d.add(None, "", "neutrality.all_neutral", 0,
                  "The one question was neutral." if n == 1 else f"All {n} questions were neutral.")
        return d.score()

    def purpose_and_exchange(self) -> DimensionScore:
        if not self.questions:
            return DimensionScore(score=None)
        p, t = self.p, self.t
        d = Dimension(p.exchange_base)
        purpose = next((r for r in self.reps if r.labels.explains_purpose), None)
        if purpose:
            d.add(purpose.n, _span(purpose.labels, "explains_purpose"), "exchange.explains_purpose", p.explains_purpose,
                  "Explained why they ask.")
        else:
            self.tip(d, "no_purpose")
        cases = [r for r in self.reps if r.labels.shares_case]
        for i, r in enumerate(cases[:2]):
            d.add(r.n, _span(r.labels, "shares_case"), "exchange.shares_case", p.shares_case / (i + 1),
                  "Shared a case or experience before asking.")
        if not cases:
            self.tip(d, "no_case")
        summary = next((r for r in self.reps if r.labels.summarises), None)
        if summary:
            d.add(summary.n, _span(summary.labels, "summarises"), "exchange.summarises", p.summarises,
                  "Checked their understanding.")
        run: list[RepTurn] = []
        for r in self.reps + [None]:
            if r is not None and _is_bare_question(r):
                run.append(r)
                continue
            if len(run) >= t.bare_question_run:
                d.add(run[-1].n, run[-1].text, "exchange.interrogation", p.interrogation_run,
                      f"{len(run)} bare questions in a row (turns {run[0].n}–{run[-1].n}).")
                self.tip(d, "interrogation")
            run = []
        share = self.m["talk_share"]
        if share is not None and share > t.talk_share_max:
            d.add(None, "", "exchange.talk_share_high", p.talk_share_high, f"The rep spoke {share:.0%} of the words.")
            self.tip(d, "talk_share_high")
        elif share is not None and t.talk_share_good_low <= share <= t.talk_share_good_high:
            d.add(None, "", "exchange.talk_share_good", p.talk_share_good, f"The rep spoke {share:.0%} of the words.")
        return d.score()

    def audience_fit(self, level: str | None) -> DimensionScore:
        if level is None:
            return DimensionScore(score=None)
        p = self.p
        d = Dimension(p.audience_base)
        good = Counter()

        def reward(r, why):
            good[level] += 1
            if good[level] <= 3:
                d.add(r.n, _sentence(r.labels, "spin", r.labels.spin), f"audience.{level}_fit", p.audience_good, why)

        for r in self.reps:
            x = r.labels
            if x.pitch:
                d.add(r.n, _span(x, "pitch"), f"audience.{level}_pitch", p.audience_poor,
                      "Product talk does not speak to this person's concerns yet.")
            if level == "executive":
                if x.spin == "situation":
                    d.add(r.n, x.text, "audience.executive_detail", p.audience_poor,
                          "A detail question to an executive; ask about strategy and outcomes.")
                    self.tip(d, "exec_detail")
                elif x.spin in ("implication", "need_payoff"):
                    reward(r, "Consequences and value: the level an executive thinks at.")
            elif level == "junior":
                if x.asks_commitment:
                    d.add(r.n, _span(x, "asks_commitment"), "audience.junior_commit", p.audience_poor,
                          "Asked a junior to commit; they cannot.")
                    self.tip(d, "junior_commit")
                elif x.spin in ("situation", "problem") or x.asks_referral:
                    reward(r, "Process facts and frustrations are what a junior can share.")
            else:
                if x.spin in ("problem", "implication"):
                    reward(r, "Verified and developed the manager's pain.")
        if level == "manager" and not good:
            self.tip(d, "manager_depth")
        return d.score()

    def pitch_timing(self) -> DimensionScore:
        d = Dimension(100)
        first_need = self.m["first_explicit_need_turn"]
        for r in self.reps:
            if not r.labels.pitch:
                continue
            if first_need is None or r.n < first_need:
                d.add(r.n, _span(r.labels, "pitch"), "pitch_timing.before_need", self.p.pitch_before_need,
                      "Feature or advantage talk before the client stated an explicit need.")
                self.tip(d, "pitch_early")
        for r in self.reps:
            tied = r.labels.cue_for("tied_to_client_need")
            if first_need is not None and r.n > first_need and tied:
                d.add(r.n, tied.span, "pitch_timing.benefit_tied_to_need", self.p.benefit_after_need,
                      "Tied what we offer to the need the client stated.")
                break
        if not d.items:
            d.add(None, "", "pitch_timing.dug_first", 0, "No feature talk before an explicit need.")
        return d.score()

    def objection_handling(self) -> DimensionScore:
        raised = next((c for c in self.clients if c.labels.objection in ("price", "value")), None)
        if raised is None:
            return DimensionScore(score=None)
        p = self.p
        d = Dimension(p.objection_base)
        d.add(raised.n, _client_span(raised, "objection"), "objection.raised", 0,
              f"The client raised a {raised.labels.objection} objection.", speaker="client")
        after = [r for r in self.reps if r.n > raised.n]
        probed = False
        settling = 0
        for r in after:
            moves = r.labels.objection_moves
            if "probe" in moves and not probed:
                probed = True
                d.add(r.n, _span(r.labels, "objection_move", "probe"), "objection.probe_first" if not settling else "objection.probe",
                      p.probe_first if not settling else p.probe_first / 2, "Diagnosed the objection with a question.")
            for move in ("value_reframe", "conditional_concession", "ask_approver"):
                if move in moves:
                    if not probed and settling == 0:
                        d.add(r.n, _span(r.labels, "objection_move", move), "objection.answer_before_probe",
                              p.answer_before_probe, "Answered before finding out why it feels expensive.")
                    settling += 1
                    if settling <= 2:
                        d.add(r.n, _span(r.labels, "objection_move", move), f"objection.{move}", p.settling_move,
                              move.replace("_", " ").capitalize() + ".")
            if "unconditional_concession" in moves:
                d.add(r.n, _span(r.labels, "objection_move", "unconditional_concession"), "objection.unconditional_concession",
                      p.unconditional_concession, "A discount given for nothing invites a demand for more.")
                self.tip(d, "unconditional")
        for r in self.reps:
            for word in r.labels.irritators:
                d.add(r.n, word, "objection.irritator", p.irritator, "An irritator: it praises your own offer.")
                self.tip(d, "irritator")
        if not probed:
            self.tip(d, "no_probe")
        return d.score()

    def advance(self) -> DimensionScore:
        p = self.p
        d = Dimension(0)
        proposals = [r for r in self.reps if r.labels.proposes_next_step or r.labels.asks_referral]
        if proposals:
            last = proposals[-1]
            accepted = self.outcome in ("advance", "referral") or any(
                c.labels.commitment for c in self.clients if c.n > last.n
            )
            cue = _span(last.labels, "proposes_next_step") if last.labels.proposes_next_step else _span(last.labels, "asks_referral")
            if accepted:
                d.add(last.n, cue, "advance.next_step_agreed", p.next_step_accepted, "A concrete next step was agreed.")
            else:
                d.add(last.n, cue, "advance.next_step_proposed", p.next_step_proposed, "Proposed a next step; not agreed.")
                self.tip(d, "next_step_declined")
        else:
            last_rep = self.reps[-1]
            d.add(last_rep.n, last_rep.text, "advance.no_next_step", p.vague_close if last_rep.labels.spin is None else 0,
                  "The call ended without a concrete next step.")
            self.tip(d, "no_next_step")
        minutes = next((r for r in self.reps if r.labels.promises_minutes), None)
        if minutes:
            d.add(minutes.n, _span(minutes.labels, "promises_minutes"), "advance.minutes_promised", p.minutes_promised,
                  "Promised the minutes.")
        elif proposals:
            self.tip(d, "no_minutes")
        return d.score()


def _client_span(c: ClientTurn, label: str) -> str:
    return next((e.span for e in c.labels.evidence if e.label == label), c.text)
