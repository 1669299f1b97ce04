"""Loads the per-language cue files: each label's cues compiled into one pattern, and all of a
language's cues scanned at once (`LanguageCues.scan`) to tell which can match a text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from roleplay.analysis.caseless import Caseless, fold
from roleplay.analysis.prefilter import Prefilter

CUE_DIR = Path(__file__).parent / "cues"


class CueError(ValueError):
    """A cue file is missing a label or holds a pattern that does not compile."""


class Hit(NamedTuple):
    """Where a cue matched: the cue's pattern and the span of the text it matched."""

    cue: str
    start: int
    end: int
    span: str


@dataclass(frozen=True)
class CueSet:
    """The cues of one label: each searched on its own, or all at once as one alternation with one
    group per cue (compiled when first needed)."""

    label: str
    patterns: tuple[str, ...]
    _singles: dict[int, Caseless] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _alternation(self) -> Caseless:
        return Caseless("|".join(f"(?P<c{i}>{pattern})" for i, pattern in enumerate(self.patterns)))

    def search(self, text: str, candidates: list[int], folded: str) -> Hit | None:
        """The first matching cue, or None.

        `candidates` (ascending cue indexes, from a `Scan`) are the only cues that can match: each is
        searched on its own and the leftmost match wins, the earlier cue on a tie, as in the
        alternation. `folded` is `fold(text)`."""
        best, best_i = None, 0
        for i in candidates:
            m = self.search_one(i, text, folded)
            if m and (best is None or m.start() < best.start()):
                best, best_i = m, i
        return Hit(self.patterns[best_i], best.start(), best.end(), text[best.start():best.end()]) if best else None

    def search_one(self, i: int, text: str, folded: str | None = None) -> re.Match | None:
        """Cue `i`'s first match in `text` (its offsets are the text's; see `Caseless`)."""
        single = self._singles.get(i)
        if single is None:
            single = self._singles[i] = Caseless(self.patterns[i])
        return single.search(text, 0, folded)

    def finditer(self, text: str):
        for m in self._alternation.finditer(text):
            yield Hit(self.patterns[int(m.lastgroup[1:])], m.start(), m.end(), text[m.start():m.end()])


def compile_cues(label: str, patterns: list[str]) -> CueSet:
    if not isinstance(patterns, list) or not patterns:
        raise CueError(f"{label}: expected a non-empty list of patterns")
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise CueError(f"{label}[{i}]: pattern does not compile ({exc})") from None
    return CueSet(label, tuple(patterns))


@dataclass(frozen=True)
class LanguageCues:
    """Every label's compiled cues for one language."""

    lang: str
    flat: dict[str, CueSet]
    """Keys like `pitch`, `spin.problem`, `leading.tag_question`, `objection_moves.probe`."""
    _parts: dict[str, LanguageCues] = field(default_factory=dict, compare=False, repr=False)

    def get(self, key: str) -> CueSet:
        return self.flat[key]

    @cached_property
    def _under(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for key in self.flat:
            if "." in key:
                prefix, name = key.split(".", 1)
                out.setdefault(prefix, []).append((name, key))
        return out

    def keys_under(self, prefix: str) -> list[tuple[str, str]]:
        """The sub-labels under `prefix` and their keys (`spin.problem`), in file order (file order is
        precedence order)."""
        return self._under.get(prefix, [])

    def under(self, prefix: str) -> LanguageCues:
        """Only the labels under `prefix`, with a scan of their own: smaller, so quicker to run."""
        part = self._parts.get(prefix)
        if part is None:
            part = self._parts[prefix] = LanguageCues(self.lang, {key: self.flat[key] for _, key in self.keys_under(prefix)})
        return part

    @cached_property
    def _prefilter(self) -> tuple[Prefilter, list[tuple[str, int]]]:
        owners = [(key, i) for key, cueset in self.flat.items() for i in range(len(cueset.patterns))]
        return Prefilter([self.flat[key].patterns[i] for key, i in owners]), owners

    def scan(self, text: str) -> Scan:
        """`text` scanned once for every label's cues; `Scan.search` then finds a label's match."""
        prefilter, owners = self._prefilter
        folded = fold(text)
        candidates: dict[str, list[int]] = {}
        for n in prefilter.candidates(folded):
            key, i = owners[n]
            candidates.setdefault(key, []).append(i)
        return Scan(self, text, folded, candidates)


class Scan:
    """The cues that can match one text, by label; each label is searched at most once."""

    def __init__(self, cues: LanguageCues, text: str, folded: str, candidates: dict[str, list[int]]):
        self.cues, self.text, self.folded, self.candidates = cues, text, folded, candidates
        self._found: dict[str, Hit | None] = {}

    def part(self, text: str) -> Scan:
        """The scan of `text`, a part of this scan's text: no cue outside these candidates can match it."""
        return Scan(self.cues, text, fold(text), self.candidates)

    def search(self, key: str) -> Hit | None:
        """The first cue of label `key` matching the text, as `CueSet.search`."""
        candidates = self.candidates.get(key)
        if not candidates:
            return None
        if key not in self._found:
            self._found[key] = self.cues.flat[key].search(self.text, candidates, self.folded)
        return self._found[key]


REQUIRED = (
    "question_opener", "spin", "leading", "explains_purpose", "shares_case", "summarises", "pitch",
    "tied_to_client_need", "asks_permission", "proposes_next_step", "asks_commitment", "asks_referral", "mentions_price",
    "promises_minutes", "objection_moves", "irritators", "addresses_system",
)


CLIENT_REQUIRED = ("explicit_need", "implied_need", "objection", "commitment")


def parse_cues(lang: str, data: object, source: str = "", required: tuple[str, ...] = REQUIRED) -> LanguageCues:
    """Validate and compile the mapping read from a cue file."""
    where = source or lang
    if not isinstance(data, dict):
        raise CueError(f"{where}: expected a mapping of labels")
    missing = [k for k in required if k not in data]
    if missing:
        raise CueError(f"{where}: missing label(s) {', '.join(missing)}")
    flat: dict[str, CueSet] = {}
    for key, value in data.items():
        try:
            if isinstance(value, dict):
                for sub, patterns in value.items():
                    flat[f"{key}.{sub}"] = compile_cues(f"{key}.{sub}", patterns)
            else:
                flat[key] = compile_cues(key, value)
        except CueError as exc:
            raise CueError(f"{where}: {exc}") from None
    return LanguageCues(lang, flat)


def _load(name: str, lang: str, required: tuple[str, ...]) -> LanguageCues:
    path = CUE_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CueError(f"{path}: cannot read cues ({exc})") from None
    return parse_cues(lang, data, str(path), required)


@lru_cache(maxsize=None)
def load_cues(lang: str) -> LanguageCues:
    """The shipped rep-turn cues for `lang` (`en` or `zh`), compiled once per process."""
    return _load(lang, lang, REQUIRED)


@lru_cache(maxsize=None)
def load_client_cues(lang: str) -> LanguageCues:
    """The shipped client-turn cues for `lang`."""
    return _load(f"client_{lang}", lang, CLIENT_REQUIRED)
