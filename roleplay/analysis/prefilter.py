"""One pass over a sentence tells which cues can match it, so only those are searched.

Every cue is translated into a looser RE2 pattern: lookarounds are dropped, counted repeats become
unbounded, Python's Unicode classes become RE2 classes at least as wide, and a word boundary is kept
only where it sits against an ASCII letter (where RE2's ASCII `\\b` holds whenever Python's does). A
text the cue matches therefore always matches its translation. All translations go into one RE2 set,
which reports in a single scan which of them match; the cue's own Python pattern then finds the exact
span, so the evidence is what the cue file says. Without the `re2` module, or for a cue that cannot
be translated, every cue stays a candidate and the result is the same, only slower.
"""

from __future__ import annotations

import re

try:
    from re import _constants as sre_c, _parser as sre_p
except ImportError:  # pragma: no cover - Python 3.10 names the modules differently
    import sre_constants as sre_c
    import sre_parse as sre_p

try:
    import re2
except ImportError:  # pragma: no cover - exercised by forcing `re2 = None` in the tests
    re2 = None

_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters Python's IGNORECASE matches to an ASCII letter that RE2's case folding does not:
# U+0130 (lower-cases to "i"), U+0131 and U+017F (Python's i/ı and s/ſ equivalences) and the
# Kelvin sign. Mapped to that letter before the scan, they also count as word characters for \b.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})

# Python's \w, \s and \d are Unicode classes; their ASCII part is kept exactly and every non-ASCII
# character is let through, which keeps the set's automaton small.
_NON_ASCII = r"\x{80}-\x{10ffff}"
_WORD = r"0-9A-Za-z_" + _NON_ASCII
_SPACE = r"\t-\r\x{1c}-\x{20}" + _NON_ASCII
_DIGIT = r"0-9" + _NON_ASCII
_ANY = r"(?s:.)"


class _Untranslatable(Exception):
    pass


def to_re2(pattern: str) -> str | None:
    """An RE2 pattern matching every text `pattern` matches (case-insensitively), or None."""
    try:
        return _seq(list(sre_p.parse(pattern)))
    except Exception:  # noqa: BLE001 - an unknown construct or a parse error: no translation is always safe
        return None


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{code:x}}}"


def _is_ascii_word(code: int) -> bool:
    ch = chr(code)
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _edge_is_ascii_word(items: list, first: bool) -> bool:
    """Whether every match of `items` starts (or ends) with an ASCII word character."""
    for op, av in (items if first else reversed(items)):
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            return False
        if op is sre_c.LITERAL:
            return _is_ascii_word(av)
        if op is sre_c.SUBPATTERN:
            return _edge_is_ascii_word(list(av[-1]), first)
        if op is sre_c.BRANCH:
            return all(_edge_is_ascii_word(list(alt), first) for alt in av[1])
        if op is sre_c.IN:
            return all(kind is sre_c.LITERAL and _is_ascii_word(v) or
                       kind is sre_c.RANGE and all(_is_ascii_word(c) for c in range(v[0], v[1] + 1))
                       for kind, v in av)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            return av[0] >= 1 and _edge_is_ascii_word(list(av[2]), first)
        return False
    return False


def _seq(items: list) -> str:
    out = []
    for i, (op, av) in enumerate(items):
        if op is sre_c.AT and av is sre_c.AT_BOUNDARY:
            # Python's \b implies RE2's next to an ASCII word character; elsewhere, drop it.
            if _edge_is_ascii_word(items[i + 1:], True) or _edge_is_ascii_word(items[:i], False):
                out.append(r"\b")
            continue
        out.append(_node(op, av))
    return "".join(out)


def _node(op, av) -> str:
    if op is sre_c.LITERAL:
        return _char(av)
    if op is sre_c.NOT_LITERAL:
        return f"[^{_char(av)}]"
    if op is sre_c.ANY:
        return "."
    if op is sre_c.IN:
        return _class(av)
    if op is sre_c.SUBPATTERN or op is getattr(sre_c, "ATOMIC_GROUP", None):
        return f"(?:{_seq(list(av[-1] if op is sre_c.SUBPATTERN else av))})"
    if op is sre_c.BRANCH:
        return "(?:" + "|".join(_seq(list(alt)) for alt in av[1]) + ")"
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        # x{0,60} becomes x*, x{2,6} becomes x+: counted repeats multiply the automaton's states.
        return f"(?:{_seq(list(body))}){'+' if low else '*'}"
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return ""  # a lookaround only narrows what matches
    if op is sre_c.AT:
        return {
            sre_c.AT_BEGINNING: "^",
            sre_c.AT_BEGINNING_STRING: r"\A",
            sre_c.AT_END: "(?m:$)",  # Python's $ also matches before a final newline
            sre_c.AT_END_STRING: r"\z",
            sre_c.AT_NON_BOUNDARY: "",
        }[av]
    if op is sre_c.GROUPREF:
        return f"{_ANY}*"
    raise _Untranslatable(op)


def _class(items) -> str:
    negate = items and items[0][0] is sre_c.NEGATE
    parts = []
    for kind, v in items[1:] if negate else items:
        if kind is sre_c.LITERAL:
            parts.append(_char(v))
        elif kind is sre_c.RANGE:
            parts.append(f"{_char(v[0])}-{_char(v[1])}")
        elif kind is sre_c.CATEGORY and not negate:
            parts.append({
                sre_c.CATEGORY_DIGIT: _DIGIT, sre_c.CATEGORY_WORD: _WORD, sre_c.CATEGORY_SPACE: _SPACE,
                sre_c.CATEGORY_NOT_DIGIT: r"\D", sre_c.CATEGORY_NOT_WORD: r"\W", sre_c.CATEGORY_NOT_SPACE: r"\S",
            }[v])
        else:
            return _ANY  # a negated class with \w, \s or \d: no exact RE2 equivalent, so any character
    return f"[{'^' if negate else ''}{''.join(parts)}]"


class Prefilter:
    """Which of a list of cue patterns can match a text, from one RE2 scan."""

    def __init__(self, patterns: list[str]):
        self.always: list[int] = []
        """Cues without a translation: always candidates."""
        self._set = None
        self._ids: list[int] = []
        if re2 is None:
            self.always = list(range(len(patterns)))
            return
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        options.never_capture = True
        options.max_mem = 64 << 20
        rules = re2.Set.SearchSet(options)
        for i, pattern in enumerate(patterns):
            translated = to_re2(pattern)
            try:
                if translated is None:
                    raise ValueError(pattern)
                rules.Add(translated)
                self._ids.append(i)
            except Exception:  # noqa: BLE001 - RE2 refuses it: keep the cue as a candidate
                self.always.append(i)
        if self._ids:
            rules.Compile()
            self._set = rules

    def candidates(self, text: str) -> list[int]:
        """The indexes of the patterns that may match `text`, ascending."""
        if self._set is None:
            return self.always
        if not text.isascii():
            text = text.translate(_FOLD)
        try:
            found = self._set.Match(text) or []
        except UnicodeEncodeError:  # a lone surrogate: any other non-ASCII character scans the same
            found = self._set.Match(_SURROGATE.sub("\ufffd", text)) or []
        return sorted([self._ids[k] for k in found] + self.always)
