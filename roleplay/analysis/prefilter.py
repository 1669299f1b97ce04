"""One pass over a sentence tells which cues can match it, so only those are searched.

Every cue is read for the words it cannot match without: each run of fixed text in its pattern, and
each required group between the gaps that can span words (`.{0,60}`, `[^，,]*`, `(\\w+ ){1,6}`), yields
a set of literal strings one of which any match contains ("how would", "mean for"); a pattern `a|b|...`
is read one alternative at a time. All those strings of a language go into one Aho-Corasick automaton,
built once: a single pass over the lower-cased sentence finds every string present, and a cue is a
candidate only when, for one of its alternatives, each of its (most telling few) sets has a string
there. The cue's own Python pattern then decides and finds the exact span, so the evidence is what the
cue file says. The automaton costs the same for a sentence it has never seen as for one it has.
Without the `ahocorasick` module, or for a cue with no required string, every cue stays a candidate
and the result is the same, only slower.
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


def requirements(pattern: str) -> list[list[frozenset[str]]] | None:
    """Per top-level alternative of `pattern` (one, unless the pattern is `a|b|...`), the sets of
    strings every match of that alternative contains one of (lower-cased), most telling first. An
    alternative with an empty list requires nothing. None: the pattern does not parse."""
    try:
        items = list(sre_p.parse(pattern))
    except Exception:  # noqa: BLE001 - Python's own compile reports it; no requirement is always safe
        return None
    alternatives = [items]
    branches = [k for k, (op, _) in enumerate(items) if op is sre_c.BRANCH]
    if len(branches) == 1:  # `\ba|\bb` parses as `\b(?:a|b)`: each alternative is `\ba` or `\bb`
        k = branches[0]
        alternatives = [items[:k] + list(alt) + items[k + 1:] for alt in items[k][1][1]]
    return [sorted(_required(alt), key=_telling, reverse=True) for alt in alternatives]


_MAX_STRINGS = 64  # how many alternatives a run of fixed text may spell out


def _required(items: list) -> list[frozenset[str]]:
    """The sets of strings one of which every match of the sequence `items` contains: one per run of
    fixed text and per required part of what lies between (a group, a repeat of at least one).

    Runs are spelt out in full ("(what|how) (would|could)" gives "what would", "how would", ...),
    which is far more telling than any one word of them."""
    options: list[set[str] | frozenset[str]] = []
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
            options += _inner(op, av)
    options.append(run)
    out: list[frozenset[str]] = []
    for option in options:
        if option and all(option):  # a run that can be empty requires nothing
            strings = _shortest(frozenset(fold(s) for s in option))
            if strings not in out:
                out.append(strings)
    return out


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """`strings` without those holding another of them ("thing" holds "ing"): a text that contains one
    contains the other, so they add automaton matches and tell nothing more."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def _inner(op, av) -> list[frozenset[str]]:
    """What a part that is not fixed text requires: a group what its sequence requires, a branch one of
    its alternatives' most telling strings, a repeat of at least one what its body requires."""
    if op is sre_c.SUBPATTERN:
        return _required(list(av[-1]))
    if op is sre_c.BRANCH:
        best = _union(av[1], _most_telling)
        return [frozenset(best)] if best else []
    if op in _REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    return []


def _most_telling(items: list) -> frozenset[str] | None:
    return max(_required(items), key=_telling, default=None)


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


_VALUE = itemgetter(1)  # an automaton match is (end, value)
_MAX_SETS = 3  # required sets per entry: more blocks cost every text more than they save


def _everywhere(strings: frozenset[str]) -> bool:
    """Whether one of `strings` is in nearly every text (a space, a single Latin letter): as a further
    requirement of a cue it only costs automaton matches."""
    return any(not s.strip() or len(s) == 1 and s.isascii() and s.isalpha() for s in strings)


class Prefilter:
    """Which of a list of cue patterns can match a text, from one pass of an Aho-Corasick automaton.

    Each top-level alternative of a cue is an entry, with its most telling few required sets. The
    first block of bits has a bit per entry, for its first set; block k a bit for each entry with a
    k-th set (those entries come first, so block k lines up with the first block shifted). A string's
    value is the bits of the sets it belongs to, a text's bits the OR of its strings' values, and an
    entry is met when its bit is set in every block where it has a set: a few integer operations,
    whatever the number of cues. A cue is offered when one of its entries is met."""

    def __init__(self, patterns: list[str]):
        self.always: list[int] = []
        """Cues with nothing required: always candidates."""
        self._automaton = None
        if ahocorasick is None:
            self.always = list(range(len(patterns)))
            return
        entries: list[tuple[int, list[frozenset[str]]]] = []
        for i, pattern in enumerate(patterns):
            alternatives = requirements(pattern)
            if not alternatives or not all(alternatives):
                self.always.append(i)
                entries.append((i, []))
            else:
                entries += [(i, [sets[0]] + [x for x in sets[1:] if not _everywhere(x)][:_MAX_SETS - 1]) for sets in alternatives]
        entries.sort(key=lambda entry: -len(entry[1]))  # stable: entries with more sets first
        self._cue_of = [i for i, _ in entries]
        n = len(entries)
        self._all = (1 << n) - 1
        self._always_bits = sum(1 << e for e, (_, sets) in enumerate(entries) if not sets)
        self._blocks: list[tuple[int, int]] = []
        """Per block after the first: where it starts, and the bits of the entries it does not hold."""
        start = n
        for k in range(1, _MAX_SETS):
            holding = sum(1 for _, sets in entries if len(sets) > k)
            if holding:
                self._blocks.append((start, self._all ^ ((1 << holding) - 1)))
                start += holding
        values: dict[str, int] = {}
        for e, (_, sets) in enumerate(entries):
            for k, strings in enumerate(sets):
                bit = 1 << (self._blocks[k - 1][0] + e if k else e)
                for s in strings:
                    values[s] = values.get(s, 0) | bit
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
        offered = met & self._all | self._always_bits
        for start, not_held in self._blocks:
            offered &= (met >> start) | not_held
        out = set()
        cue_of = self._cue_of
        while offered:
            low = offered & -offered
            out.add(cue_of[low.bit_length() - 1])
            offered ^= low
        return sorted(out)
