"""Checks that a model's reply stays in character and voices the director's move, as it streams.

A `ReplyGuard` is fed the streamed pieces and hands back what may be shown now. It holds back the
first few words (where "As an AI language model" and speaker labels appear) and any number still being
spelled out, so most breaks are caught before the rep sees them. A reply that never says the fact its
move releases is caught when the stream ends and withdrawn. `CharacterBreak.reason` says what went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HOLD_PREFIX = 48
"""Characters held back at the start of a reply, where disclaimers and speaker labels appear."""

_AI = re.compile(
    r"\bas an? (?:ai|a\.i\.|artificial intelligence|(?:large )?language model|llm|ai assistant|virtual assistant|"
    r"digital assistant|chatbot|assistant)\b"
    r"|\bI(?:'m| am) (?:just |only |merely )?(?:an? )?(?:ai|a\.i\.|artificial intelligence|(?:large )?language model|"
    r"ai assistant|virtual assistant|chatbot|ai model|bot|computer program)\b"
    r"|\b(?:language model|openai|chatgpt|my training data|knowledge cut-?off|system prompt|director'?s note)\b"
    r"|\b(?:role-?play(?:ing)?|stay(?:ing)? in character|break(?:ing)? character)\b"
    r"|\bhow (?:can|may) I assist you\b"
    r"|作为(?:一[个名])?(?:AI|人工智能|语言模型|AI助手|智能助手|聊天机器人)|我是(?:一[个名])?(?:AI|人工智能|语言模型|AI助手|智能助手|聊天机器人)"
    r"|语言模型|角色扮演|导演提示",
    re.IGNORECASE,
)
_SELLER_LABEL = re.compile(
    r"(?m)(?:^|(?<=[.!?。！？] ))[ \t>*_\"“]*(?:rep|sales ?rep|sales representative|seller|salesperson|sales ?person|account (?:manager|"
    r"executive)|user|销售|销售代表|销售员)[ \t*_]*[:：]",
    re.IGNORECASE,
)
# Only unmistakable sales talk: a client may well say "our product" or "our software" about their own.
_SELLER_TALK = re.compile(
    r"\bas (?:your|a|the) (?:sales ?rep|salesperson|sales representative|account (?:manager|executive))\b"
    r"|\b(?:let me|I'?d (?:love|like) to|allow me to) (?:show|demo|walk you through|tell you (?:about|how))\b.{0,20}\bour\b"
    r"|\b(?:book|schedule|set up) (?:you (?:in )?for )?a (?:demo|product demo)\b"
    r"|\bI(?:'d| would) be (?:happy|glad) to (?:send|share|show) you (?:a |our )?(?:demo|proposal|quote|pricing)\b",
    re.IGNORECASE,
)
_MARKUP = re.compile(
    r"<<\s*/?\s*SYS\s*>>|\[\s*/?\s*INST\s*\]|</?s>|<\|[A-Za-z_]+\|>|<(?:start|end)_of_turn>|</?(?:system|user|assistant)>"
    r"|\bnote from the (?:rep|director)\b|\byour move:|\bsay this now\b|\breply with \w+'s words only\b",
    re.IGNORECASE,
)
_ENDING = re.compile(
    r"\b(?:good-?bye|bye(?: now)?|the call is over|this call is over|we(?:'re| are) done(?: here)?|"
    r"let'?s (?:stop|leave it|end it) (?:here|there)|(?:end|ending) (?:this|the|our) (?:call|meeting)|"
    r"hang(?:ing)? up)\b|\bI (?:have|need) to go(?: now)?[.!,]|再见|到此为止|结束通话|先这样吧",
    re.IGNORECASE,
)
_ANY_LABEL = re.compile(r"(?m)^[ \t>*_\"“]*([^\s:：]{1,30}(?: [^\s:：]{1,30}){0,2})[ \t*_]*(?::[ \t]|：)")

# -- numbers --------------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_DECADES = {w[:-1] + "ies": v for w, v in _TENS.items()}  # "the low seventies"
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_EN_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)(k|m|mn|bn|b)?\b|([a-z]+)|(\S)")
_ZH_DIGIT = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9)))
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 1e4, "亿": 1e8}
_ZH_RUN = re.compile(r"(\d+(?:\.\d+)?)([万亿]?)|([零〇一二两三四五六七八九十百千万亿]+)")
IGNORED_BELOW = 11
"""Small numbers ("one thing", "two plants", 一下) are everyday speech, not invented facts."""


@dataclass
class Number:
    value: float
    text: str
    bases: tuple[float, ...] = ()
    """The value before a scale word: 12 for "twelve million"."""


def _en_numbers(text: str) -> list[Number]:
    out: list[Number] = []
    total = current = 0.0
    bases: list[float] = []
    start = end = None
    in_run = False

    def flush():
        nonlocal total, current, bases, start, end, in_run
        if in_run:
            out.append(Number(total + current, text[start:end], tuple(bases)))
        total = current = 0.0
        bases = []
        start = end = None
        in_run = False

    tokens = list(_EN_TOKEN.finditer(text.lower()))
    for i, m in enumerate(tokens):
        digits, suffix, word, other = m.groups()
        if digits:
            if in_run and current:
                flush()
            value = float(digits.replace(",", "")) if digits.replace(",", "").replace(".", "", 1).isdigit() else 0.0
            if suffix:
                bases.append(value)
                total += value * _SUFFIX[suffix]
            else:
                current += value
        elif word in _UNITS or word in _TENS or word in _DECADES:
            current += _UNITS.get(word) or _TENS.get(word) or _DECADES.get(word) or 0
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES and in_run:
            bases.append(current or 1)
            total += (current or 1) * _SCALES[word]
            current = 0.0
        elif word == "and" and in_run and i + 1 < len(tokens) and (tokens[i + 1].group(3) or "") in {**_UNITS, **_TENS}:
            continue
        elif other == "-" and in_run:
            continue
        else:
            flush()
            continue
        if not in_run:
            start = m.start()
        in_run = True
        end = m.end()
    flush()
    return out


def _zh_value(run: str) -> tuple[float, tuple[float, ...]]:
    total = section = number = 0.0
    bases = []
    for ch in run:
        if ch in _ZH_DIGIT:
            number = _ZH_DIGIT[ch]
        elif ch in _ZH_UNIT:
            if number == 0 and ch == "十":
                number = 1
            section += number * _ZH_UNIT[ch]
            number = 0
        elif ch in _ZH_BIG:
            section += number
            if section:
                bases.append(section)
            total += section * _ZH_BIG[ch]
            section = number = 0
    return total + section + number, tuple(bases)


def _zh_numbers(text: str) -> list[Number]:
    text = text.replace("百分之", "   ")
    text = re.sub(r"(?<=[零〇一二两三四五六七八九十百千\d])个(?=[万亿])", "", text)  # 三个亿 = 三亿
    out = []
    for m in _ZH_RUN.finditer(text):
        digits, big, run = m.groups()
        if digits:
            value = float(digits)
            out.append(Number(value * _ZH_BIG[big], m.group(0), (value,)) if big else Number(value, m.group(0)))
        else:
            run = run.lstrip("百千万亿")  # 千万 (must), 万一 (in case) are words, not numbers
            if run:
                value, bases = _zh_value(run)
                out.append(Number(value, run, bases))
    return out


def numbers_in(text: str) -> list[Number]:
    """Every number said in `text`, in digits or words (English and Chinese), with its scale applied."""
    found = _en_numbers(text)
    if re.search(r"[\u3400-\u9fff]", text):
        found += [n for n in _zh_numbers(text) if not re.fullmatch(r"[\d.,]+", n.text)]
    return found


def allowed_numbers(texts: list[str]) -> frozenset[float]:
    """The numbers a reply may use: those in `texts` (and their unscaled bases: 12 of "twelve million")."""
    allowed: set[float] = set()
    for text in texts:
        for n in numbers_in(text):
            allowed.add(n.value)
            allowed.update(n.bases)
    return frozenset(allowed)


# -- conveying a fact ---------------------------------------------------------------------------------

_STOP = set(
    "that this with what would could should about there their they them then than have has had been were will "
    "your yours from into over under very just more most much many some such also only even still it's i'm i'd "
    "i've we're we've don't can't won't isn't when where which while who whom whose why how here because before "
    "after again other being doing does did said says tell told know think really rather right well".split()
)
_WORD = re.compile(r"[a-z][a-z'\-]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _STOP}


def _bigrams(text: str) -> set[str]:
    chars = "".join(_CJK.findall(text))
    return {chars[i: i + 2] for i in range(len(chars) - 1)}


def conveys(reply: str, fact: str) -> bool:
    """Whether `reply` plausibly says `fact` (in other words): enough of its content words or characters."""
    if _CJK.search(fact):
        fact_grams = _bigrams(fact)
        need = min(4, max(2, len(fact_grams) // 6))
        return len(fact_grams & _bigrams(reply)) >= need
    fact_words = _content_words(fact)
    need = min(3, max(1, len(fact_words) // 6))
    return len(fact_words & _content_words(reply)) >= need


# -- the guard ---------------------------------------------------------------------------------------

class CharacterBreak(Exception):
    """A reply that cannot be shown as the client's words; `reason` says why, in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ReplyRules:
    """What one reply must (and must not) do."""

    name: str
    """The persona's name; a leading "Name:" label is dropped, not a break."""
    facts: list[str] = field(default_factory=list)
    """Disclosure texts this move releases: the reply must convey each one."""
    allowed: frozenset[float] = frozenset()
    max_chars: int = 600
    ends_call: bool = False
    """Whether this move ends the call; if not, a goodbye is the model ignoring the move."""


# How a reply that breaks character (or carries a speaker label) usually begins. While the start of a
# reply could still be one of these, or the persona's name, it is held back (up to HOLD_PREFIX
# characters); any other start is shown at once.
RISKY_STARTS = (
    "as an ai", "as a language model", "as an artificial", "as a large language", "as an assistant",
    "as a virtual", "as a chatbot", "i am an ai", "i'm an ai", "i am a language", "i'm a language", "i am not able",
    "i'm not able", "i am sorry", "i'm sorry", "sorry, but", "sorry, as", "i cannot", "i can't", "i apologi",
    "i am just", "i'm just", "i am only", "i'm only", "i am a", "i'm a", "rep", "sales", "seller", "user",
    "assistant", "system", "note", "director", "client", "customer", "buyer", "客户", "the call has", "- ", "* ", "#", "<", "[", "(", "作为", "我是",
    "抱歉", "对不起", "销售",
)
_PATTERN_REACH = 80
"""Longer than any match of the patterns above, so each check only rescans the new text and this much."""
_TRAIL = set(" \t\r\n\"“”*_")
_WORDISH = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'’-.,%")
_NUMBER_WORDS = {*_UNITS, *_TENS, *_DECADES, "hundred", *_SCALES, "and", "point"}
_DIGITS_TOKEN = re.compile(r"\d[\d,.]*(?:k|m|mn|bn|b)?", re.IGNORECASE)
_ZH_NUMERAL_TAIL = re.compile(r"[零〇一二两三四五六七八九十百千万亿个\d.]+$")


def _numeric_token(token: str) -> bool:
    token = token.lower().strip(",.;:")
    return bool(token) and (token in _NUMBER_WORDS or bool(_DIGITS_TOKEN.fullmatch(token)))


class ReplyGuard:
    """Feed it streamed pieces; it returns what may be shown now and raises CharacterBreak on a break.

    Checks are incremental (each piece rescans only the new text and a short overlap), so the cost per
    piece does not grow with the reply.
    """

    def __init__(self, rules: ReplyRules):
        self.rules = rules
        self.raw = ""
        self.start: int | None = None
        """Where the shown reply begins in `raw` (after whitespace, quotes and the speaker's own label)."""
        self.quoted = False
        self.shown = 0
        """Characters of `text` already handed out."""
        self._patterns_upto = 0
        self._numbers_upto = 0
        self._fact_words = [(_content_words(f), _bigrams(f) if _CJK.search(f) else None) for f in rules.facts]
        self._covered = not rules.facts

    @property
    def text(self) -> str:
        return self.raw[self.start:] if self.start is not None else ""

    # -- the start of the reply ----------------------------------------------------------------------

    def _risky(self, head: str) -> bool:
        head = head.lower()
        name = self.rules.name.lower()
        return any(r.startswith(head) or head.startswith(r) for r in (*RISKY_STARTS, name, name.split()[0]))

    def _settle_prefix(self, final: bool) -> bool:
        if self.start is not None:
            return True
        head = self.raw.lstrip(" \t\r\n*_\"“")
        if not final and len(head) < HOLD_PREFIX and (not head or self._risky(head[:HOLD_PREFIX])):
            return False
        i = len(self.raw) - len(self.raw.lstrip(" \t\r\n*_"))
        m = _ANY_LABEL.match(self.raw, i)
        if m and self._own_label(m.group(1)):
            i = m.end()
        while i < len(self.raw) and self.raw[i] in " \t\r\n*_":
            i += 1
        if i < len(self.raw) and self.raw[i] in "\"“":
            self.quoted = True
            i += 1
        self.start = i
        return True

    def _own_label(self, label: str) -> bool:
        label = label.strip("*_ ").lower()
        name = self.rules.name.lower()
        return label in {"client", "customer", "assistant", "buyer", "客户", name, name.split()[0]} or (
            len(label) > 2 and name.startswith(label)
        )

    # -- checks -------------------------------------------------------------------------------------

    def _check_patterns(self, text: str) -> None:
        pos = max(0, self._patterns_upto - _PATTERN_REACH)
        self._patterns_upto = len(text)
        if m := _MARKUP.search(text, pos):
            raise CharacterBreak(f"echoed the prompt or chat-template markup ({m.group(0)!r})")
        if m := _AI.search(text, pos):
            raise CharacterBreak(f"said it is an AI ({m.group(0)!r})")
        if _SELLER_LABEL.search(text, pos):
            raise CharacterBreak("spoke as the seller (wrote the rep's lines)")
        if m := _SELLER_TALK.search(text, pos):
            raise CharacterBreak(f"spoke as the seller ({m.group(0)!r})")
        if not self.rules.ends_call and (m := _ENDING.search(text, pos)):
            raise CharacterBreak(f"ignored the move: ended the call ({m.group(0)!r})")
        for m in _ANY_LABEL.finditer(text, pos):
            if m.start() > 0 and self._own_label(m.group(1)):
                raise CharacterBreak(f"wrote a dialogue ({m.group(0).strip()!r})")
        if len(text) > self.rules.max_chars:
            raise CharacterBreak(f"ran far too long ({len(text)} characters)")

    def _check_numbers(self, text: str, end: int) -> None:
        # Text before `_numbers_upto` ended on a word that is not part of a number, so no number
        # straddles it.
        for n in numbers_in(text[self._numbers_upto:end]):
            if n.value >= IGNORED_BELOW and n.value not in self.rules.allowed:
                raise CharacterBreak(f"added a number not in the released facts ({n.text.strip()!r})")
        self._numbers_upto = max(self._numbers_upto, end)

    def _conveys_facts(self, text: str) -> bool:
        if not self._covered:
            words, grams = _content_words(text), None
            ok = True
            for fact_words, fact_grams in self._fact_words:
                if fact_grams is not None:
                    grams = grams if grams is not None else _bigrams(text)
                    ok &= len(fact_grams & grams) >= min(4, max(2, len(fact_grams) // 6))
                else:
                    ok &= len(fact_words & words) >= min(3, max(1, len(fact_words) // 6))
            self._covered = ok
        return self._covered

    def _safe_end(self, text: str) -> int:
        """Where the text that can be judged now ends: not inside a word or a number still arriving."""
        i = len(text)
        while i and text[i - 1] in _TRAIL:
            i -= 1
        if i == len(text):  # no space after the last word yet: it may be half a word
            k = i
            while k and text[k - 1] in _WORDISH:
                k -= 1
            # Hold it only if it could still grow into a number ("thir" -> "thirty"); other words
            # go out at once, so the first words reach the rep as fast as the model sends them.
            partial = text[k:i].lower()
            if not partial.isalpha() or not partial.isascii() or any(w.startswith(partial) for w in _NUMBER_WORDS):
                i = k
        while True:  # step back over a number being spelled out ("sixty", "twelve million", "三亿")
            j = i
            while j and text[j - 1] in " \t\r\n-":
                j -= 1
            k = j
            while k and not text[k - 1].isspace() and text[k - 1] != "-":
                k -= 1
            token = text[k:j]
            if token and _numeric_token(token):
                i = k
                continue
            zh = _ZH_NUMERAL_TAIL.search(token) if token and _CJK.search(token) else None
            if zh:
                i = k + zh.start()
            return i

    # -- feeding --------------------------------------------------------------------------------------

    def feed(self, piece: str) -> str:
        """Add a streamed piece; returns the text that may be shown now ('' while holding back)."""
        self.raw += piece
        if not self._settle_prefix(final=False):
            return ""
        text = self.text
        end = self._safe_end(text)
        self._check_patterns(text)
        self._check_numbers(text, end)
        # A released fact is not waited for: the model only knows released facts, so nothing hidden can
        # leak, and a reply that never says the fact is withdrawn and retried at the end (finish()).
        # Waiting would delay the first words of every answer by the whole sentence before the fact.
        out = text[self.shown:end] if end > self.shown else ""
        self.shown = max(self.shown, end)
        return out

    def finish(self) -> str:
        """The stream ended: run the final checks; returns whatever is left to show."""
        self._settle_prefix(final=True)
        text = self.final_text()
        self._patterns_upto = 0
        self._check_patterns(text)
        self._check_numbers(text, len(text))
        if not text:
            raise CharacterBreak("said nothing")
        if not self._conveys_facts(text):
            raise CharacterBreak("ignored the move: did not share the fact it releases")
        out = text[self.shown:]
        self.shown = len(text)
        return out

    def final_text(self) -> str:
        text = self.text.rstrip(" \t\r\n*_")
        if self.quoted and text[-1:] in "\"”":
            text = text[:-1].rstrip()
        return text
