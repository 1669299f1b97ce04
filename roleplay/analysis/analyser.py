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
  turn ties it to a need the client stated.
* Objection moves are read per sentence; a concession traded for a condition is conditional, and the
  same sentence's unconditional reading is dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from roleplay.analysis.cues import LanguageCues, load_cues
from roleplay.analysis.framework import Framework
from roleplay.analysis.language import detect_language
from roleplay.analysis.rewrite import neutral_rewrite
from roleplay.analysis.sentences import Sentence, split_sentences
from roleplay.domain.labels import Evidence, UtteranceLabels

_CLAUSE_BREAK = re.compile(r"[,，:：;；、—–]+")
_LEAD_IN = re.compile(r"^(?:so|and|then|but|now|ok|okay|所以|那|那么|就|先)[\s,，:：]*", re.IGNORECASE)
_SPIN_RANK = {"situation": 0, "problem": 1, "implication": 2, "need_payoff": 3}
# Sub-labels of `spin` in the cue files that stand for a SPIN type under another name.
_SPIN_ALIAS = {"hypothetical": "need_payoff", "change_wish": "problem"}


@lru_cache(maxsize=1)
def default_framework() -> Framework:
    """The FOC framework shipped in `frameworks/foc.yaml`."""
    from roleplay.content import builtin_content_dir, load_model

    return load_model(builtin_content_dir() / "frameworks" / "foc.yaml", Framework)


def _lower_pattern(pattern: str) -> str:
    """Lower-case a regular expression outside escapes (`\\S` stays `\\S`)."""
    out, escaped = [], False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = ch == "\\" and not escaped
    return "".join(out)


_PREFILTERS: dict[int, tuple[LanguageCues, dict[str, list[tuple[re.Pattern | None, re.Pattern]]], dict[str, list[str]]]] = {}


def _compiled(cues: LanguageCues) -> tuple[dict[str, list[tuple[re.Pattern | None, re.Pattern]]], dict[str, list[str]]]:
    """Per cue set (compiled once): the prefilters and the sub-label names of each group."""
    entry = _PREFILTERS.get(id(cues))
    if entry is None or entry[0] is not cues:
        groups: dict[str, list[str]] = {}
        for key in cues.flat:
            if "." in key:
                prefix, name = key.split(".", 1)
                groups.setdefault(prefix, []).append(name)
        entry = (cues, _prefilters(cues), groups)
        _PREFILTERS[id(cues)] = entry
    return entry[1], entry[2]


def _prefilters(cues: LanguageCues) -> dict[str, list[tuple[re.Pattern | None, re.Pattern]]]:
    """Per label, its cues in a few chunks, each a plain alternation over lower-cased text (no
    IGNORECASE, no named groups: several times faster) behind a keyword gate: the literal strings
    one of which any match of the chunk must contain (None when some cue has none). Cues with a
    similar gate share a chunk, so a sentence pays only for the chunks whose keywords it holds.
    Both only decide whether a label can match; the label's own CueSet then finds the cue and
    span, so the evidence is exactly what the cue file says."""
    fast: dict[str, list[tuple[re.Pattern | None, re.Pattern]]] = {}
    for key, cueset in cues.flat.items():
        try:
            lowered = [_lower_pattern(p) for p in cueset.patterns]
            chunks = _chunks(lowered)
            fast[key] = [(_gate(chunk), _fast_regex(chunk)) for chunk in chunks]
        except re.error:
            fast[key] = [(None, re.compile("|".join(f"(?:{p})" for p in cueset.patterns), re.IGNORECASE))]
    return fast


_CHUNK = 8  # cues per chunk: more chunks skip more text but cost one more gate scan each


def _chunks(lowered: list[str]) -> list[list[str]]:
    """The lower-cased cues of one label, grouped: cues with no keyword gate together, the rest in
    runs of _CHUNK ordered by their shortest keyword (short keywords pass the gate most often)."""
    gated, open_ = [], []
    for p in lowered:
        need = _required_literals(p)
        if need is None:
            open_.append(p)
        else:
            gated.append((min(map(len, need)), p))
    gated.sort(key=lambda item: item[0])
    chunks = [[p for _, p in gated[i:i + _CHUNK]] for i in range(0, len(gated), _CHUNK)]
    if open_:
        chunks.append(open_)
    return chunks


def _fast_regex(lowered: list[str]) -> re.Pattern:
    # A cue anchored at the start ("^we offer…") is tried once, not at every position.
    # Cues that start at a word boundary share one \b test, so inside a word they cost nothing.
    pieces = [piece for p in lowered for piece in _alternatives(p)]
    anchored = [p[1:] for p in pieces if _anchored(p)]
    bounded = [p[2:] for p in pieces if not _anchored(p) and _bounded(p)]
    loose = [p for p in pieces if not _anchored(p) and not _bounded(p)]
    parts = [f"(?:{p})" for p in loose]
    for prefix, group in (("\\b", bounded), ("^", anchored)):
        if group:
            parts.append(prefix + "(?:" + "|".join(f"(?:{p})" for p in group) + ")")
    return re.compile("|".join(parts))


def _gate(lowered: list[str]) -> re.Pattern | None:
    keys: set[str] | None = set()
    for p in lowered:
        need = _required_literals(p)
        if need is None:
            return None
        keys |= need
    keys = {k for k in keys if not any(o != k and o in k for o in keys)}  # "our" makes " our " redundant
    # The gate is one regex of escaped literals: a single scan in C instead of a Python loop of `in`.
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len))) if keys else None


def _alternatives(pattern: str) -> list[str]:
    """`pattern` split at its top-level | (each piece matches on its own; together, what it matches)."""
    pieces, start, depth, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            pieces.append(pattern[start:i])
            start = i + 1
    pieces.append(pattern[start:])
    return pieces


def _anchored(pattern: str) -> bool:
    """Whether every match of `pattern` starts at the beginning of the text (a leading ^, no top-level |)."""
    return pattern.startswith("^") and len(_alternatives(pattern)) == 1


def _bounded(pattern: str) -> bool:
    """Whether `pattern` is `\\b` followed by a sequence with no top-level |."""
    return pattern.startswith("\\b") and _anchored("^" + pattern[2:])


def _required_literals(pattern: str) -> set[str] | None:
    """Strings one of which every match of `pattern` contains, or None when there is no such set."""
    try:
        from re import _constants as sre_c, _parser as sre_p
    except ImportError:  # pragma: no cover - older Pythons name the modules differently
        import sre_constants as sre_c
        import sre_parse as sre_p
    try:
        tree = sre_p.parse(pattern)
    except Exception:  # noqa: BLE001 - no gate is always safe
        return None

    def best(options: list[set[str]]) -> set[str] | None:
        options = [o for o in options if o and all(o)]
        if not options:
            return None
        return max(options, key=lambda o: (min(map(len, o)), -len(o)))

    def seq(items) -> set[str] | None:
        options: list[set[str]] = []
        run: list[str] = []
        for op, av in items:
            if op is sre_c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                options.append({"".join(run)})
                run = []
            if op is sre_c.AT or op is sre_c.ASSERT_NOT:
                continue
            sub = node(op, av)
            if sub is not None:
                options.append(sub)
        if run:
            options.append({"".join(run)})
        return best(options)

    def node(op, av) -> set[str] | None:
        if op is sre_c.SUBPATTERN:
            return seq(av[-1])
        if op is sre_c.BRANCH:
            out: set[str] = set()
            for alt in av[1]:
                sub = seq(alt)
                if sub is None:
                    return None
                out |= sub
            return out
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            return seq(av[2]) if av[0] >= 1 else None
        if op is sre_c.ASSERT and av[0] == 1:  # a lookahead's text is in the sentence too
            return seq(av[1])
        return None

    return seq(tree)


class _Reader:
    """Collects labels and evidence for one utterance."""

    def __init__(self, text: str, cues: LanguageCues):
        self.text = text
        self.cues = cues
        self.evidence: list[Evidence] = []
        self._memo: dict[tuple[str, str], tuple[str, re.Match] | None] = {}
        self._fast, self._groups = _compiled(cues)
        self._lower: dict[str, str | None] = {}

    def match(self, key: str, sentence: Sentence) -> tuple[str, re.Match] | None:
        """The first cue of `key` matching the sentence (searched once per turn and text)."""
        memo_key = (key, sentence.text)
        if memo_key not in self._memo:
            cueset = self.cues.flat.get(key)
            hit = None
            if cueset is not None:
                lowered = self._lowered(sentence.text)
                if lowered is None:
                    hit = cueset.search(sentence.text)
                else:
                    if any((gate is None or gate.search(lowered)) and fast.search(lowered) for gate, fast in self._fast[key]):
                        hit = cueset.search(sentence.text)
            self._memo[memo_key] = hit
        return self._memo[memo_key]

    def _lowered(self, text: str) -> str | None:
        """`text` lower-cased, or None when lower-casing would shift offsets (then no prefilter)."""
        if text not in self._lower:
            low = text.lower()
            self._lower[text] = low if len(low) == len(text) else None
        return self._lower[text]

    def note(self, label: str, value: str | bool, cue: str, m: re.Match, sentence: Sentence) -> None:
        start = sentence.start + m.start()
        self.evidence.append(Evidence(label=label, value=value, cue=cue, span=m.group(0), start=start, end=start + len(m.group(0))))

    def find(self, key: str, sentence: Sentence, label: str | None = None, value: str | bool = True) -> bool:
        hit = self.match(key, sentence)
        if hit is None:
            return False
        if label is not None:
            self.note(label, value, hit[0], hit[1], sentence)
        return True

    def first_of(self, prefix: str, sentence: Sentence, label: str | None, alias: dict[str, str] | None = None) -> str | None:
        """The first sub-label under `prefix` (file order) whose cues match, with its evidence."""
        for name in self._names(prefix):
            hit = self.match(f"{prefix}.{name}", sentence)
            if hit:
                name = (alias or {}).get(name, name)
                if label is not None:
                    self.note(label, name, hit[0], hit[1], sentence)
                return name
        return None

    def _names(self, prefix: str) -> list[str]:
        return self._groups.get(prefix, [])

    def drop(self, label: str, sentence: Sentence, value: str | bool | None = None) -> None:
        """Forget evidence for `label` found inside `sentence`."""
        end = sentence.start + len(sentence.text)
        self.evidence = [
            e for e in self.evidence
            if not (e.label == label and (value is None or e.value == value) and sentence.start <= e.start < end)
        ]


def _core(r: _Reader, s: Sentence) -> Sentence:
    """The sentence without its purpose clause(s): "To size this properly, how many…?" -> "how many…?"."""
    core = s
    for _ in range(3):
        hit = r.match("explains_purpose", core)
        if hit is None:
            break
        m = hit[1]
        breaks = list(_CLAUSE_BREAK.finditer(core.text))
        after = next((b for b in breaks if b.start() >= m.end()), None)
        rest = core.text[after.end():].strip() if after else ""
        if rest and any(ch.isalnum() for ch in rest):
            tail = Sentence(rest, core.start + core.text.index(rest, after.end()))
            # Cut the purpose clause only when what follows is the question itself; in
            # "想先了解一下哪里做得不够，这样我们才知道…" the purpose frame holds the question.
            if s.is_question_mark or r.find("question_opener", tail) or r.find("question_opener", _strip_lead_in(tail)):
                core = tail
                continue
        before = [b for b in breaks if b.end() <= m.start()]
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


def _is_question(r: _Reader, s: Sentence, core: Sentence) -> bool:
    if s.is_question_mark:
        return True
    if r.find("question_opener", s) or (core is not s and r.find("question_opener", core)):
        return True
    # A Chinese sentence with no final punctuation that carries a question word.
    return s.is_unpunctuated and r.find("question_word", s)


def analyse(text: str, lang: str | None = None, framework: Framework | None = None) -> UtteranceLabels:
    """Label one rep utterance. `lang` is `en`, `zh` or None/`auto` to detect it."""
    if lang in (None, "auto"):
        lang = detect_language(text)
    cues = load_cues(lang)
    framework = framework or default_framework()
    r = _Reader(text, cues)
    labels = UtteranceLabels(text=text, lang=lang)
    sentences = split_sentences(text, semicolons=False)

    tied = any(r.find("tied_to_client_need", s, "tied_to_client_need") for s in sentences)
    spins: list[str] = []
    moves: list[str] = []
    in_summary = False
    leading_at: Sentence | None = None
    previous: Sentence | None = None  # the last statement, for "Does anything like that happen here?"
    previous_purpose = False
    case_pitch: list[Sentence] = []
    for s in sentences:
        core = _core(r, s)
        question = _is_question(r, s, core)
        if not question and r.find("indirect_question", s):
            # "I'd like to understand what isn't working" asks; "I'd like to learn how you work" sets the agenda.
            question = r.first_of("spin", core, None, _SPIN_ALIAS) is not None
        labels.is_question |= question

        summary = r.find("summarises", s, "summarises")
        if not summary and question and (r.find("confirm_check", s) or (in_summary and r.find("leading.tag_question", s))):
            summary = True
            r.find("confirm_check", s, "summarises") or r.find("leading.tag_question", s, "summarises")
        in_summary |= summary
        labels.summarises |= summary
        purpose = r.find("explains_purpose", s, "explains_purpose")
        labels.explains_purpose |= purpose
        case = r.find("shares_case", s, "shares_case")
        labels.shares_case |= case
        if not tied and not question and not summary and r.find("pitch", s, "pitch"):
            if case:
                case_pitch.append(s)  # settled below: a case followed by a question is no pitch
            else:
                labels.pitch = True
        next_step = r.find("proposes_next_step", s, "proposes_next_step")
        commitment = r.find("asks_commitment", s, "asks_commitment")
        referral = r.find("asks_referral", s, "asks_referral")
        labels.proposes_next_step |= next_step
        labels.asks_commitment |= commitment
        labels.asks_referral |= referral
        labels.mentions_price |= r.find("mentions_price", s, "mentions_price")
        system = r.find("addresses_system", s, "addresses_system")
        labels.addresses_system |= system
        if r.match("irritators", s):
            for cue, m in cues.get("irritators").finditer(s.text):
                labels.irritators.append(m.group(0))
                r.note("irritator", m.group(0), cue, m, s)

        sentence_moves = _objection_moves(r, s, question)
        moves += [m for m in sentence_moves if m not in moves]

        if not question or summary or system:
            if not question:
                previous, previous_purpose = s, purpose
            continue
        permission = r.find("asks_permission", s, "asks_permission")
        # Small talk ("路上还顺利吧？") is no discovery question, so its tag leads nowhere.
        if not labels.leading and not r.match("not_discovery.small_talk", s):
            kind = r.first_of("leading", s, "leading")
            if kind:
                labels.leading, labels.leading_kind = True, kind
                leading_at = s
        if permission or next_step or commitment or referral or "probe" in sentence_moves:
            continue
        if r.first_of("not_discovery", s, "not_discovery"):
            continue
        spin = r.first_of("spin", core, "spin", _SPIN_ALIAS)
        if spin is None and previous is not None and not previous_purpose and r.find("anaphora", core):
            # "At a firm like yours, time entries got lost. Does anything like that happen here?" asks
            # whether the case's difficulty occurs here: a problem question.
            hit = r.match("spin.problem", previous) or r.match("spin.implication", previous)
            if hit:
                spin = "problem"
                r.note("spin", spin, hit[0], hit[1], previous)
        if spin is None:
            spin = "situation"
            r.evidence.append(Evidence(label="spin", value=spin, cue="question without problem, implication or need-payoff cues", span=core.text, start=core.start, end=core.start + len(core.text)))
        spins.append(spin)

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
    if labels.leading and leading_at is not None:
        cue = next((e.span for e in r.evidence if e.label == "leading"), None)
        labels.neutral_rewrite = neutral_rewrite(leading_at.text, labels.leading_kind, lang, spin=labels.spin, cue_span=cue)
    labels.evidence = r.evidence
    return labels


def _objection_moves(r: _Reader, s: Sentence, question: bool) -> list[str]:
    moves = []
    for name in r._names("objection_moves"):
        if name == "probe" and not question:
            continue
        hit = r.match(f"objection_moves.{name}", s)
        if hit:
            moves.append(name)
            r.note("objection_move", name, hit[0], hit[1], s)
    if "probe" in moves and "ask_approver" in moves and not _separate_clauses(r, s, "probe", "ask_approver"):
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


def _separate_clauses(r: _Reader, s: Sentence, first: str, second: str) -> bool:
    """Whether the cue of move `first` ends before a clause break that comes before the cue of `second`."""
    a, b = r.match(f"objection_moves.{first}", s), r.match(f"objection_moves.{second}", s)
    if not a or not b or a[1].end() > b[1].start():
        return False
    return _CLAUSE_BREAK.search(s.text, a[1].end() - 1, b[1].start() + 1) is not None
