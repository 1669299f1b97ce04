"""Case-insensitive matching at the cost of a case-sensitive one.

Python's `re.IGNORECASE` compares every character through a case table, and it turns off the search
shortcuts (a literal prefix, a set of possible first characters): a cue like `\\b(price|cost|quote)\\b`
runs three to four times slower with it. Lower-casing the text once (`fold`) and searching it
case-sensitively finds exactly the same matches, at the same offsets, whenever every character the
pattern names is a lower-case ASCII letter or has no case at all (`folds_exactly`); a `Caseless`
pattern does that when it can and falls back to IGNORECASE when it cannot.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:
    from re import _constants as sre_c, _parser as sre_p
except ImportError:  # pragma: no cover - Python 3.10 names the modules differently
    import sre_constants as sre_c
    import sre_parse as sre_p

try:  # characters IGNORECASE matches beyond what lower-casing gives (Python 3.11+)
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _EXTRA_CASES = {}

REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None))
# Characters Python's IGNORECASE matches to an ASCII letter that str.lower() does not turn into it:
# U+0131 and U+017F (Python's i/ı and s/ſ equivalences) and U+0130 (str.lower() adds a combining dot).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """`text` lower-cased the way IGNORECASE compares letters, every character in its place (so
    offsets in the folded text are offsets in `text`)."""
    if not text.isascii() and ("\u0130" in text or "\u0131" in text or "\u017f" in text):
        text = text.translate(_FOLD)  # slow (a lookup per character), so only when needed
    return text.lower()


def folds_exactly(pattern: str) -> bool:
    """Whether a case-sensitive search for `pattern` in `fold(text)` finds exactly what an IGNORECASE
    search finds in `text`: true when every character the pattern names is a lower-case ASCII letter
    or has no case at all (digits, punctuation, Han)."""
    try:
        return _caseless_items(list(sre_p.parse(pattern)))
    except Exception:  # noqa: BLE001 - not parsed: keep IGNORECASE, which reports the error itself
        return False


class Caseless:
    """A pattern matched regardless of case. Its matches' offsets are those of the text searched, but
    their strings may be the folded text's: read a group as `text[m.start(g):m.end(g)]`."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.folds = folds_exactly(pattern)
        self.regex = re.compile(pattern, 0 if self.folds else re.IGNORECASE)

    def _target(self, text: str, folded: str | None) -> str:
        return (fold(text) if folded is None else folded) if self.folds else text

    def search(self, text: str, pos: int = 0, folded: str | None = None) -> re.Match | None:
        """The first match in `text`; `folded` is `fold(text)`, when already made."""
        return self.regex.search(self._target(text, folded), pos)

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        return self.regex.match(self._target(text, None), pos)

    def finditer(self, text: str):
        return self.regex.finditer(self._target(text, None))

    def sub(self, repl: str, text: str) -> str:
        """`text` with every match replaced by the plain string `repl`, as `re.sub` does."""
        out, last = [], 0
        for m in self.regex.finditer(self._target(text, None)):
            out += (text[last:m.start()], repl)
            last = m.end()
        return "".join(out) + text[last:] if out else text


def group(m: re.Match, text: str, g: int = 0) -> str | None:
    """Group `g` of a `Caseless` match in `text`, as `text` writes it (None when it took no part)."""
    start, end = m.span(g)
    return None if start < 0 else text[start:end]


def _caseless_items(items: list) -> bool:
    for op, av in items:
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL):
            ok = _caseless(av)
        elif op is sre_c.IN:
            ok = all(kind in (sre_c.NEGATE, sre_c.CATEGORY) or kind is sre_c.LITERAL and _caseless(v)
                     or kind is sre_c.RANGE and _caseless_range(*v) for kind, v in av)
        elif op is sre_c.SUBPATTERN:
            ok = not av[2] & sre_c.SRE_FLAG_IGNORECASE and _caseless_items(list(av[-1]))  # no (?-i:...)
        elif op is sre_c.BRANCH:
            ok = all(_caseless_items(list(alt)) for alt in av[1])
        elif op in REPEATS:
            ok = _caseless_items(list(av[2]))
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            ok = _caseless_items(list(av[1]))
        else:
            ok = op in (sre_c.AT, sre_c.ANY, sre_c.CATEGORY)  # anything else (a back-reference): keep IGNORECASE
        if not ok:
            return False
    return True


def _caseless(code: int) -> bool:
    ch = chr(code)
    return ch.isascii() and not ch.isupper() or ch.lower() == ch == ch.upper() and code not in _EXTRA_CASES


@lru_cache(maxsize=None)
def _caseless_range(low: int, high: int) -> bool:
    return all(_caseless(code) for code in range(low, high + 1))
