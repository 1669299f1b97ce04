"""The utterance analyser: splits a rep turn into sentences and labels it from the cue files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from roleplay.analysis.cues import LanguageCues, load_cues
from roleplay.analysis.framework import Framework
from roleplay.analysis.language import detect_language
from roleplay.analysis.rewrite import neutral_rewrite
from roleplay.domain.labels import Evidence, UtteranceLabels

# A sentence ends at . ! ? ; (followed by a space or the end) or at Chinese 。！？；.
_SENTENCE = re.compile(r"[^.!?;。！？；]+(?:[.!?;]+(?=\s|$)|[。！？；]+|[.!?;]+|$)")
_SPIN_RANK = {"situation": 0, "problem": 1, "implication": 2, "need_payoff": 3}


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int

    @property
    def is_question_mark(self) -> bool:
        return self.text.rstrip().endswith(("?", "？"))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets in `text`; whitespace around each is trimmed."""
    out = []
    for m in _SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if stripped and any(ch.isalnum() for ch in stripped):
            out.append(Sentence(stripped, m.start() + raw.index(stripped[0])))
    return out


@lru_cache(maxsize=1)
def default_framework() -> Framework:
    """The FOC framework shipped in `frameworks/foc.yaml`."""
    from roleplay.content import builtin_content_dir, load_model

    return load_model(builtin_content_dir() / "frameworks" / "foc.yaml", Framework)


class _Reader:
    """Collects labels and evidence for one utterance."""

    def __init__(self, text: str, cues: LanguageCues):
        self.text = text
        self.cues = cues
        self.evidence: list[Evidence] = []

    def find(self, key: str, sentence: Sentence, label: str | None = None, value: str | bool = True) -> bool:
        hit = self.cues.get(key).search(sentence.text)
        if hit is None:
            return False
        cue, m = hit
        if label is not None:
            start = sentence.start + m.start()
            self.evidence.append(
                Evidence(label=label, value=value, cue=cue, span=m.group(0), start=start, end=start + len(m.group(0)))
            )
        return True

    def first_of(self, prefix: str, sentence: Sentence, label: str) -> str | None:
        """The first sub-label under `prefix` (file order) whose cues match, with its evidence."""
        for name, cueset in self.cues.group(prefix):
            hit = cueset.search(sentence.text)
            if hit:
                cue, m = hit
                start = sentence.start + m.start()
                self.evidence.append(
                    Evidence(label=label, value=name, cue=cue, span=m.group(0), start=start, end=start + len(m.group(0)))
                )
                return name
        return None

    def is_question(self, sentence: Sentence) -> bool:
        return sentence.is_question_mark or self.find("question_opener", sentence)


def analyse(text: str, lang: str | None = None, framework: Framework | None = None) -> UtteranceLabels:
    """Label one rep utterance. `lang` is `en`, `zh` or None/`auto` to detect it."""
    if lang in (None, "auto"):
        lang = detect_language(text)
    cues = load_cues(lang)
    framework = framework or default_framework()
    r = _Reader(text, cues)
    labels = UtteranceLabels(text=text, lang=lang)
    sentences = split_sentences(text)

    tied = any(r.find("tied_to_client_need", s, "tied_to_client_need") for s in sentences)
    spins: list[str] = []
    moves: list[str] = []
    for s in sentences:
        question = r.is_question(s)
        labels.is_question |= question
        summary = r.find("summarises", s, "summarises")
        labels.summarises |= summary
        labels.explains_purpose |= r.find("explains_purpose", s, "explains_purpose")
        labels.shares_case |= r.find("shares_case", s, "shares_case")
        if not tied:
            labels.pitch |= r.find("pitch", s, "pitch")
        next_step = r.find("proposes_next_step", s, "proposes_next_step")
        commitment = r.find("asks_commitment", s, "asks_commitment")
        referral = r.find("asks_referral", s, "asks_referral")
        labels.proposes_next_step |= next_step
        labels.asks_commitment |= commitment
        labels.asks_referral |= referral
        labels.mentions_price |= r.find("mentions_price", s, "mentions_price")
        system = r.find("addresses_system", s, "addresses_system")
        labels.addresses_system |= system
        for cue, m in cues.get("irritators").finditer(s.text):
            labels.irritators.append(m.group(0))
            start = s.start + m.start()
            r.evidence.append(Evidence(label="irritator", value=m.group(0), cue=cue, span=m.group(0), start=start, end=start + len(m.group(0))))

        sentence_moves = _objection_moves(r, s, question)
        moves += [m for m in sentence_moves if m not in moves]

        if not question or summary or system:
            continue
        permission = r.find("asks_permission", s, "asks_permission")
        if not labels.leading:
            kind = r.first_of("leading", s, "leading")
            if kind:
                labels.leading, labels.leading_kind = True, kind
        if permission or next_step or commitment or referral or "probe" in sentence_moves:
            continue
        spin = r.first_of("spin", s, "spin")
        if spin is None:
            spin = "situation"
            r.evidence.append(Evidence(label="spin", value=spin, cue="question without problem, implication or need-payoff cues", span=s.text, start=s.start, end=s.start + len(s.text)))
        spins.append(spin)

    if spins:
        labels.spin = max(spins, key=_SPIN_RANK.__getitem__)
        labels.foc = framework.from_spin.get(labels.spin)
    elif labels.proposes_next_step or labels.asks_commitment:
        labels.foc = framework.next_step
    labels.objection_moves = moves
    if labels.leading:
        labels.neutral_rewrite = neutral_rewrite(text, labels.leading_kind, lang)
    labels.evidence = r.evidence
    return labels


def _objection_moves(r: _Reader, s: Sentence, question: bool) -> list[str]:
    moves = []
    for name, cueset in r.cues.group("objection_moves"):
        if name == "probe" and not question:
            continue
        hit = cueset.search(s.text)
        if hit:
            moves.append(name)
            cue, m = hit
            start = s.start + m.start()
            r.evidence.append(Evidence(label="objection_move", value=name, cue=cue, span=m.group(0), start=start, end=start + len(m.group(0))))
    if "conditional_concession" in moves and "unconditional_concession" in moves:
        # A discount traded for a condition is conditional ("if you sign for two years, 10% off").
        moves.remove("unconditional_concession")
        r.evidence = [e for e in r.evidence if not (e.label == "objection_move" and e.value == "unconditional_concession" and s.start <= e.start < s.start + len(s.text))]
    return moves
