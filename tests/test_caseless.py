"""Searching the folded text case-sensitively finds exactly what IGNORECASE finds in the text: same
matches, same offsets, for every shipped cue and the rewrite's patterns, on every labelled line and on
random Unicode."""

from __future__ import annotations

import functools
import re

import pytest
from conftest import AWKWARD, CUE_FILES, labelled_texts, splice
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.analysis import rewrite
from roleplay.analysis.caseless import Caseless, fold, folds_exactly

TEXTS = labelled_texts()
REWRITE_PATTERNS = {name: value for name, value in vars(rewrite).items() if isinstance(value, Caseless)}
ANY_TEXT = st.builds(splice, st.sampled_from([t for t, _ in TEXTS]),
                     st.lists(st.tuples(st.integers(0, 200), st.sampled_from(AWKWARD) | st.characters()), max_size=6),
                     st.booleans())


@functools.lru_cache(maxsize=None)
def _ignorecase(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _cue_spans(language_cues, text: str, folded: bool) -> list[tuple[str, int, tuple[int, int]]]:
    """Every cue's first match in `text`: as the analyser searches it, or with IGNORECASE on the text."""
    out, folded_text = [], fold(text)
    for key, cueset in language_cues.flat.items():
        for i, pattern in enumerate(cueset.patterns):
            m = cueset.search_one(i, text, folded_text) if folded else _ignorecase(pattern).search(text)
            if m:
                out.append((key, i, m.span()))
    return out


def _rewrite_spans(text: str, folded: bool) -> list[tuple[str, list[tuple[int, int]]]]:
    return [(name, [m.span() for m in (p.finditer(text) if folded else _ignorecase(p.pattern).finditer(text))])
            for name, p in REWRITE_PATTERNS.items()]


def test_most_shipped_cues_and_rewrite_patterns_are_searched_in_the_folded_text():
    for lang, load in CUE_FILES:
        patterns = [p for cueset in load(lang).flat.values() for p in cueset.patterns]
        assert sum(map(folds_exactly, patterns)) >= 0.95 * len(patterns), lang
    assert len(REWRITE_PATTERNS) >= 10
    assert [name for name, p in REWRITE_PATTERNS.items() if not p.folds] == []


@pytest.mark.parametrize("lang, load", CUE_FILES, ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_every_cue_finds_what_ignorecase_finds_in_every_labelled_line(lang, load):
    language_cues = load(lang)
    for text, _ in TEXTS:
        assert _cue_spans(language_cues, text, True) == _cue_spans(language_cues, text, False), text


def test_the_rewrite_patterns_find_what_ignorecase_finds_in_every_labelled_line():
    for text, _ in TEXTS:
        assert _rewrite_spans(text, True) == _rewrite_spans(text, False), text


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_every_pattern_finds_what_ignorecase_finds_in_any_unicode(text):
    for lang, load in CUE_FILES:
        assert _cue_spans(load(lang), text, True) == _cue_spans(load(lang), text, False), (lang, text)
    assert _rewrite_spans(text, True) == _rewrite_spans(text, False), text


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, st.sampled_from(["", "the", " "]))
def test_a_caseless_substitution_is_re_sub(text, replacement):
    for p in REWRITE_PATTERNS.values():
        assert p.sub(replacement, text) == _ignorecase(p.pattern).sub(replacement, text)


def test_characters_python_folds_to_an_ascii_letter_are_folded():
    letters = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x80, 0x110000):
        ch = chr(code)
        if letters.fullmatch(ch):
            folded = fold(ch)
            assert folded.isascii() and re.fullmatch(folded, ch, re.IGNORECASE), hex(code)


def test_folding_keeps_every_character_in_its_place():
    text = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize("pattern, exact", [
    (r"\bour (\w+ ){0,2}platform\b", True),
    (r"(您|你)(刚才)?(提到|说过)[^，,]{0,10}", True),
    (r"[a-z0-9]+\?", True),
    (r"\bOur\b", False),  # an upper-case letter: "our" in the folded text would not match it
    (r"[A-Z]{2}", False),
    (r"\bcafé\b", False),  # a non-ASCII letter with case
    (r"\bσ", False),
    (r"(no)\W\1", False),  # a back-reference
])
def test_a_pattern_is_searched_in_the_folded_text_only_when_that_finds_the_same(pattern, exact):
    assert folds_exactly(pattern) is exact
    assert Caseless(pattern).folds is exact


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.sampled_from(["", ", isn't it?", ", don't you think?!", "  , right ?", ", and I'm sure", " like everyone else"]))
def test_the_rewrites_cheap_tests_never_skip_a_tag_or_tail_that_is_there(text, ending):
    text += ending
    if rewrite._EN_TAG.search(text):
        assert rewrite._may_end_in_tag(text), text
    if rewrite._EN_TAIL.search(text):
        assert rewrite._may_have_tail(text), text
