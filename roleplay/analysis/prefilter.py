"""One pass over a sentence tells which cues can match it, so only those are searched.

Every cue is read for the words it cannot match without: its pattern is cut at the gaps that can span
words (`.{0,60}`, `[^，,]*`, `(\\w+ ){1,6}`), and each piece between gaps yields the literal strings one
of which any match of the piece contains ("how would", "mean for"). All those strings of a language go
into one Aho-Corasick automaton, built once: a single pass over the lower-cased sentence finds every
string present, and a cue is a candidate only when each of its pieces has one of its strings there.
The cue's own Python pattern then decides and finds the exact span, so the evidence is what the cue
file says. The automaton costs the same for a sentence it has never seen as for one it has. Without
the `ahocorasick` module, or for a cue with no required string, every cue stays a candidate and the
result is the same, only slower.
"""

from __future__ import annotations

from functools import reduce
from operator import itemgetter, or_

try:
    import ahocorasick
except ImportError:  # pragma: no cover - exercised by forcing `ahocorasick = None` in the tests
    ahocorasick = None

from roleplay.analysis.caseless import REPEATS as _REPEATS, fold, sre_c, sre_p

_ZERO_WIDTH = (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT)


def requirements(pattern: str) -> list[frozenset[str]] | None:
    """Per piece of `pattern` between gaps, the strings one of which any match of the piece contains
    (lower-cased); every piece's set must be met. An empty list: nothing is required. None: the
    pattern does not parse."""
    try:
        items = list(sre_p.parse(pattern))
    except Exception:  # noqa: BLE001 - Python's own compile reports it; no requirement is always safe
        return None
    pieces, current = [], []
    for op, av in items:
        if _is_gap(op, av):
            if av[0]:
                current.append((op, av))  # x+ still holds one x
            pieces.append(current)
            current = []
        else:
            current.append((op, av))
    pieces.append(current)
    out = []
    for piece in pieces:
        found = _literals(piece)
        if found and found not in out:
            out.append(found)
    return out


def _is_gap(op, av) -> bool:
    """A repeat that can run across words (`.{0,60}`, `[^，,]*`, `(\\w+ ){1,6}`)."""
    return op in _REPEATS and av[1] != 1 and _wide(list(av[2]))


def _wide(items: list) -> bool:
    """Whether `items` can match a space, punctuation or any character at all."""
    for op, av in items:
        if op in (sre_c.ANY, sre_c.NOT_LITERAL):
            return True
        if op is sre_c.LITERAL and not chr(av).isalnum():
            return True
        if op is sre_c.IN and any(kind is sre_c.NEGATE or kind is sre_c.CATEGORY and v not in (sre_c.CATEGORY_WORD, sre_c.CATEGORY_DIGIT)
                                  or kind is sre_c.LITERAL and not chr(v).isalnum() for kind, v in av):
            return True
        if op is sre_c.SUBPATTERN and _wide(list(av[-1])):
            return True
        if op is sre_c.BRANCH and any(_wide(list(alt)) for alt in av[1]):
            return True
        if op in _REPEATS and _wide(list(av[2])):
            return True
    return False


_MAX_STRINGS = 64  # how many alternatives a run of fixed text may spell out


def _literals(items: list) -> frozenset[str] | None:
    """Strings one of which every match of the sequence `items` contains, or None.

    Runs of fixed text are spelt out in full ("(what|how) (would|could)" gives "what would", "how
    would", ...), which is far more telling than any one word of them."""
    options: list[set[str]] = []
    run: set[str] = {""}
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = {a + b for a in run for b in exact}
            continue
        options.append(run)
        run = {""}
        if exact is not None:  # too many spellings to join the run: start a new one
            run = set(exact)
        else:
            sub = _node_literals(op, av)
            if sub:
                options.append(set(sub))
    options.append(run)
    options = [frozenset(fold(s) for s in o) for o in options if o and all(o)]
    return max(options, key=_telling, default=None)


def _telling(strings: frozenset[str]) -> tuple[int, int]:
    """How telling a set of required strings is: its shortest string as long as possible, then as few
    strings as possible."""
    return min(map(len, strings)), -len(strings)


def _exact(op, av) -> set[str] | None:
    """Every string `op` can match, when they are few; "" for what matches no character."""
    if op is sre_c.LITERAL:
        return {chr(av)}
    if op in _ZERO_WIDTH:
        return {""}
    if op is sre_c.IN and len(av) <= 8 and all(kind is sre_c.LITERAL for kind, _ in av):
        return {chr(v) for _, v in av}
    if op is sre_c.SUBPATTERN:
        return _exact_seq(list(av[-1]))
    if op is sre_c.BRANCH:
        out = _union(av[1], _exact_seq)
        return out if out is not None and len(out) <= _MAX_STRINGS else None
    if op in _REPEATS and av[1] == 1:
        sub = _exact_seq(list(av[2]))
        return None if sub is None else sub | ({""} if av[0] == 0 else set())
    return None


def _exact_seq(items: list) -> set[str] | None:
    out = {""}
    for op, av in items:
        sub = _exact(op, av)
        if sub is None or len(out) * len(sub) > _MAX_STRINGS:
            return None
        out = {a + b for a in out for b in sub}
    return out


def _union(alternatives, read) -> set[str] | None:
    """What `read` gives each alternative of a branch, together; None when one of them gives None."""
    out: set[str] = set()
    for alternative in alternatives:
        sub = read(list(alternative))
        if sub is None:
            return None
        out |= sub
    return out


def _node_literals(op, av) -> frozenset[str] | None:
    if op is sre_c.SUBPATTERN:
        return _literals(list(av[-1]))
    if op is sre_c.BRANCH:
        out = _union(av[1], _literals)
        return None if out is None else frozenset(out)
    if op in _REPEATS and av[0] >= 1:
        return _literals(list(av[2]))
    return None


_VALUE = itemgetter(1)  # an automaton match is (end, value)


class Prefilter:
    """Which of a list of cue patterns can match a text, from one pass of an Aho-Corasick automaton.

    Each piece of each cue is a bit, the bits of the cues' most telling pieces first, then a block for
    each further piece position; a string's value is the bits of the pieces it meets. A text's bits
    are the OR of its strings' values, and a cue is offered when its bit is set in every block where it
    has a piece: a few integer operations, whatever the number of cues."""

    def __init__(self, patterns: list[str]):
        self.always: list[int] = []
        """Cues with nothing required: always candidates."""
        self._automaton = None
        if ahocorasick is None:
            self.always = list(range(len(patterns)))
            return
        n = self._n = len(patterns)
        values: dict[str, int] = {}
        self._having: list[int] = []
        """Per piece position after the first, the bits of the cues with a piece there."""
        self._always_bits = 0
        for i, pattern in enumerate(patterns):
            pieces = sorted(requirements(pattern) or (), key=_telling, reverse=True)
            if not pieces:
                self.always.append(i)
                self._always_bits |= 1 << i
            for k, piece in enumerate(pieces):
                if k > len(self._having):
                    self._having.append(0)
                if k:
                    self._having[k - 1] |= 1 << i
                for s in piece:
                    values[s] = values.get(s, 0) | 1 << (k * n + i)
        self._all = (1 << n) - 1
        if values:
            automaton = ahocorasick.Automaton()
            for s, bits in values.items():
                automaton.add_word(s, bits)
            automaton.make_automaton()
            self._automaton = automaton

    def candidates(self, folded: str) -> list[int]:
        """The indexes of the patterns that may match the text `folded` (as `fold` gives it), ascending."""
        if self._automaton is None:
            return self.always
        met = reduce(or_, map(_VALUE, self._automaton.iter(folded)), 0)
        n, full = self._n, self._all
        offered = met & full | self._always_bits
        for k, having in enumerate(self._having, 1):
            offered &= (met >> k * n) | (full ^ having)
        out = []
        while offered:
            low = offered & -offered
            out.append(low.bit_length() - 1)
            offered ^= low
        return out
