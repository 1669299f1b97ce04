"""The utterance analyser: splits a rep turn into sentences and labels it from the cue files.

How a turn is read (the cue files hold the vocabulary; this module holds the rules):

* A turn is split into sentences at . ! ? and 。！？ (a semicolon joins two clauses of one sentence, so
  "Everyone knows X; how many have you had?" is one leading question).
* A sentence is a question when it ends with a question mark, opens like one ("How…", "Walk me
  through…", 您跟我说说…) or, with no final punctuation at all, carries a question word. A Chinese
  sentence closed with 。 is a statement unless it is a request to describe something; an indirect
  question inside a statement ("I'd like to understand what isn't working") counts only when it asks
  about a problem, a consequence or a payoff, not when it announces the agenda.
* A purpose clause ("So I can recommend the right option, …", 为了…,) is cut off before the question
  is typed, so its words ("waste your time", 这个问题) do not colour the SPIN type.
* Checks of understanding (a summary, "…, right?" after "So…", "Is that right?", 对吗, 是这样吗) are
  neither leading nor discovery questions. Nor are small talk, questions about how the client takes
  the price, permission to ask, next-step proposals, requests to sign and price probes.
* SPIN per question: explicit need-payoff cues, then implication, then a hypothetical "if it were
  solved" question (need-payoff), then problem, else situation. A bare question about a shared case
  ("Does anything like that happen here?") takes its type from the case it refers to. The turn gets
  the highest type among its questions.
* Pitch is a statement about our product or company, never a question or a summary, and not when the
  turn ties it to a need the client stated or the sentence trades the price for a condition.
* Objection moves are read per sentence; a concession traded for a condition is conditional, and the
  same sentence's unconditional reading is dropped.
* A crowd appeal in the statement before a problem, implication or need-payoff question makes the
  question leading.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

from roleplay.analysis.cues import Hit, LanguageCues, Scan, load_cues
from roleplay.analysis.framework import Framework
from roleplay.analysis.language import detect_language
from roleplay.analysis.rewrite import neutral_rewrite
from roleplay.analysis.sentences import Sentence, split_sentences
from roleplay.domain.labels import UtteranceLabels

_CLAUSE_BREAK = re.compile(r"[,，:：;；、—–]+")
_LEAD_IN = re.compile(r"^(?:so|and|then|but|now|ok|okay|所以|那|那么|就|先)[\s,，:：]*", re.IGNORECASE)
_SPIN_RANK = {"situation": 0, "problem": 1, "implication": 2, "need_payoff": 3}
# Sub-labels of `spin` in the cue files that stand for a SPIN type under another name.
_SPIN_ALIAS = {"hypothetical": "need_payoff", "change_wish": "problem"}

_LABEL_DEFAULTS = [(n, f.default_factory, f.default) for n, f in UtteranceLabels.model_fields.items() if not f.is_required()]


def _blank_labels(text: str, lang: str) -> SimpleNamespace:
    """UtteranceLabels' fields at their defaults, as a plain namespace to fill in: a pydantic
    attribute write costs several times a plain one, and the analyser makes about twenty per turn."""
    return SimpleNamespace(text=text, lang=lang, **{n: make() if make else value for n, make, value in _LABEL_DEFAULTS})


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
        self.evidence: list[dict] = []
        """Evidence fields, made into `Evidence` when the labels are validated (cheaper than one by one)."""
        self._scans: dict[str, Scan] = {}

    def read(self, sentence: Sentence) -> _Reading:
        """The sentence with its cue scan. Each text is scanned once per turn, and a part of a text
        already scanned (a question without its purpose clause) is not scanned again: it holds no
        string the whole does not, so the whole's candidates serve it."""
        scan = self._scans.get(sentence.text)
        if scan is None:
            whole = next((s for text, s in self._scans.items() if sentence.text in text), None)
            scan = self.cues.scan(sentence.text) if whole is None else whole.part(sentence.text)
            self._scans[sentence.text] = scan
        return _Reading(self, sentence, scan)

    def drop(self, label: str, sentence: Sentence, value: str | bool | None = None) -> None:
        """Forget evidence for `label` found inside `sentence`."""
        end = sentence.start + len(sentence.text)
        self.evidence = [
            e for e in self.evidence
            if not (e["label"] == label and (value is None or e["value"] == value) and sentence.start <= e["start"] < end)
        ]


class _Reading:
    """One sentence of the utterance and its cue scan: asks whether a label's cues match it."""

    __slots__ = ("reader", "sentence", "scan", "candidates")

    def __init__(self, reader: _Reader, sentence: Sentence, scan: Scan):
        self.reader, self.sentence, self.scan, self.candidates = reader, sentence, scan, scan.candidates

    def match(self, key: str) -> Hit | None:
        """The first cue of `key` matching the sentence."""
        return self.scan.search(key) if key in self.candidates else None

    def note(self, label: str, value: str | bool, hit: Hit) -> None:
        start = self.sentence.start + hit.start
        self.reader.evidence.append({"label": label, "value": value, "cue": hit.cue, "span": hit.span, "start": start, "end": start + len(hit.span)})

    def find(self, key: str, label: str | None = None, value: str | bool = True) -> bool:
        """Whether a cue of `key` matches; with `label`, its evidence is noted."""
        if key not in self.candidates:  # the common case, answered without a search
            return False
        hit = self.scan.search(key)
        if hit is None:
            return False
        if label is not None:
            self.note(label, value, hit)
        return True

    def first_of(self, prefix: str, label: str | None, alias: dict[str, str] | None = None) -> str | None:
        """The first sub-label under `prefix` (file order) whose cues match, with its evidence."""
        for name, key in self.reader.cues.keys_under(prefix):
            if key in self.candidates and (hit := self.scan.search(key)):
                name = (alias or {}).get(name, name)
                if label is not None:
                    self.note(label, name, hit)
                return name
        return None


def _core(r: _Reader, s: Sentence) -> Sentence:
    """The sentence without its purpose clause(s): "To size this properly, how many…?" -> "how many…?"."""
    core = s
    for _ in range(3):
        hit = r.read(core).match("explains_purpose")
        if hit is None:
            break
        breaks = list(_CLAUSE_BREAK.finditer(core.text))
        after = next((b for b in breaks if b.start() >= hit.end), None)
        rest = core.text[after.end():].strip() if after else ""
        if rest and any(ch.isalnum() for ch in rest):
            tail = Sentence(rest, core.start + core.text.index(rest, after.end()))
            # Cut the purpose clause only when what follows is the question itself; in
            # "想先了解一下哪里做得不够，这样我们才知道…" the purpose frame holds the question.
            if (s.is_question_mark or r.read(tail).find("question_opener")
                    or r.read(_strip_lead_in(tail)).find("question_opener")):
                core = tail
                continue
        before = [b for b in breaks if b.end() <= hit.start]
        head = core.text[: before[-1].start()].strip() if before else ""
        if head and any(ch.isalnum() for ch in head):
            core = Sentence(head, core.start)
        break
    return _strip_lead_in(core)


def _strip_lead_in(s: Sentence) -> Sentence:
    lead = _LEAD_IN.match(s.text)
    if lead and lead.end() < len(s.text):
        return Sentence(s.text[lead.end():], s.start + lead.end())
    return s


def _is_question(v: _Reading, core: _Reading) -> bool:
    s = v.sentence
    if s.is_question_mark:
        return True
    if v.find("question_opener") or (core is not v and core.find("question_opener")):
        return True
    # A Chinese sentence with no final punctuation that carries a question word.
    return s.is_unpunctuated and v.find("question_word")


def analyse(text: str, lang: str | None = None, framework: Framework | None = None) -> UtteranceLabels:
    """Label one rep utterance. `lang` is `en`, `zh` or None/`auto` to detect it."""
    if lang in (None, "auto"):
        lang = detect_language(text)
    cues = load_cues(lang)
    framework = framework or default_framework()
    r = _Reader(text, cues)
    labels = _blank_labels(text, lang)
    readings = [r.read(s) for s in split_sentences(text, semicolons=False)]

    tied = any(v.find("tied_to_client_need", "tied_to_client_need") for v in readings)
    spins: list[str] = []
    moves: list[str] = []
    in_summary = False
    leading_at: Sentence | None = None
    previous: _Reading | None = None  # the last statement, for "Does anything like that happen here?"
    previous_purpose = False
    case_pitch: list[Sentence] = []
    for v in readings:
        s = v.sentence
        core_sentence = _core(r, s)
        core = v if core_sentence is s else r.read(core_sentence)
        question = _is_question(v, core)
        if not question and v.find("indirect_question"):
            # "I'd like to understand what isn't working" asks; "I'd like to learn how you work" sets the agenda.
            question = core.first_of("spin", None, _SPIN_ALIAS) is not None
        labels.is_question |= question

        summary = v.find("summarises", "summarises")
        if not summary and question and (v.find("confirm_check") or (in_summary and v.find("leading.tag_question"))):
            summary = True
            v.find("confirm_check", "summarises") or v.find("leading.tag_question", "summarises")
        in_summary |= summary
        labels.summarises |= summary
        purpose = v.find("explains_purpose", "explains_purpose")
        labels.explains_purpose |= purpose
        case = v.find("shares_case", "shares_case")
        labels.shares_case |= case
        sentence_moves = _objection_moves(v, question)
        moves += [m for m in sentence_moves if m not in moves]
        # A price traded for a condition ("if you sign for two years, we can reduce the fee by 8%") is no pitch.
        if (not tied and not question and not summary and "conditional_concession" not in sentence_moves
                and v.find("pitch", "pitch")):
            if case:
                case_pitch.append(s)  # settled below: a case followed by a question is no pitch
            else:
                labels.pitch = True
        next_step = v.find("proposes_next_step", "proposes_next_step")
        commitment = v.find("asks_commitment", "asks_commitment")
        referral = v.find("asks_referral", "asks_referral")
        labels.proposes_next_step |= next_step
        labels.asks_commitment |= commitment
        labels.asks_referral |= referral
        labels.mentions_price |= v.find("mentions_price", "mentions_price")
        labels.promises_minutes |= v.find("promises_minutes", "promises_minutes")
        system = v.find("addresses_system", "addresses_system")
        labels.addresses_system |= system
        if v.match("irritators"):
            for hit in cues.get("irritators").finditer(s.text):
                labels.irritators.append(hit.span)
                v.note("irritator", hit.span, hit)

        if not question or summary or system:
            if not question:
                previous, previous_purpose = v, purpose
            continue
        permission = v.find("asks_permission", "asks_permission")
        # Small talk ("路上还顺利吧？") is no discovery question, so its tag leads nowhere.
        if not labels.leading and not v.match("not_discovery.small_talk"):
            kind = v.first_of("leading", "leading")
            if kind:
                labels.leading, labels.leading_kind = True, kind
                leading_at = s
        if permission or next_step or commitment or referral or "probe" in sentence_moves:
            continue
        if v.first_of("not_discovery", "not_discovery"):
            continue
        spin = core.first_of("spin", "spin", _SPIN_ALIAS)
        if spin is None and previous is not None and not previous_purpose and core.find("anaphora"):
            # "At a firm like yours, time entries got lost. Does anything like that happen here?" asks
            # whether the case's difficulty occurs here: a problem question.
            hit = previous.match("spin.problem") or previous.match("spin.implication")
            if hit:
                spin = "problem"
                previous.note("spin", spin, hit)
        if spin is None:
            spin = "situation"
            c = core.sentence
            r.evidence.append({"label": "spin", "value": spin, "cue": "question without problem, implication or need-payoff cues",
                               "span": c.text, "start": c.start, "end": c.start + len(c.text)})
        spins.append(spin)
        if (not labels.leading and spin != "situation" and previous is not None
                and previous.find("leading.crowd_appeal", "leading", "crowd_appeal")):
            # "Most councils we speak to are fed up with paper. How bad is it for you?": a crowd appeal said
            # just before a question about a problem or a need pushes the answer; the question alone is
            # the neutral version. ("Everyone says that at first. How's the season going?" pushes nothing.)
            labels.leading, labels.leading_kind, labels.neutral_rewrite = True, "crowd_appeal", s.text

    for s in case_pitch:
        # "We saw one retailer lose 2% of sales to empty shelves. What is that costing you?" shares a
        # case to ask about it; the same case told on its own is a claim about our results.
        if labels.is_question:
            r.drop("pitch", s)
        else:
            labels.pitch = True
    if spins:
        labels.spin = max(spins, key=_SPIN_RANK.__getitem__)
        labels.foc = framework.from_spin.get(labels.spin)
    elif labels.proposes_next_step or labels.asks_commitment:
        labels.foc = framework.next_step
    labels.objection_moves = moves
    if labels.leading and leading_at is not None and labels.neutral_rewrite is None:
        cue = next((e["span"] for e in r.evidence if e["label"] == "leading"), None)
        labels.neutral_rewrite = neutral_rewrite(leading_at.text, labels.leading_kind, lang, spin=labels.spin, cue_span=cue)
    labels.evidence = r.evidence
    return UtteranceLabels.model_validate(vars(labels))


def _objection_moves(v: _Reading, question: bool) -> list[str]:
    moves = []
    for name, key in v.reader.cues.keys_under("objection_moves"):
        if name == "probe" and not question:
            continue
        hit = v.match(key)
        if hit:
            moves.append(name)
            v.note("objection_move", name, hit)
    if not moves:
        return moves
    r, s = v.reader, v.sentence
    if "probe" in moves and "ask_approver" in moves and not _separate_clauses(v, "probe", "ask_approver"):
        # "Who sets the budget?" asks for the approver; it does not diagnose the objection. But
        # "Compared with what, and who else has a say?" asks both, one clause each.
        moves.remove("probe")
        r.drop("objection_move", s, "probe")
    if question and "probe" in moves and "value_reframe" in moves:
        # "Is it more than you pay for your current system?" diagnoses; a reframe is a statement.
        moves.remove("value_reframe")
        r.drop("objection_move", s, "value_reframe")
    if "conditional_concession" in moves and "unconditional_concession" in moves:
        # A discount traded for a condition is conditional ("if you sign for two years, 10% off").
        moves.remove("unconditional_concession")
        r.drop("objection_move", s, "unconditional_concession")
    return moves


def _separate_clauses(v: _Reading, first: str, second: str) -> bool:
    """Whether the cue of move `first` ends before a clause break that comes before the cue of `second`."""
    a, b = v.match(f"objection_moves.{first}"), v.match(f"objection_moves.{second}")
    if not a or not b or a.end > b.start:
        return False
    return _CLAUSE_BREAK.search(v.sentence.text, a.end - 1, b.start + 1) is not None
