"""The one-pass cue scan is only a shortcut: it never hides a cue that matches, so the analyser says
exactly what it says without it, evidence and all."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.analysis import analyser, client, cues, prefilter
from roleplay.analysis.prefilter import Prefilter, fold, folds_exactly, requirements

ROOT = Path(__file__).resolve().parent.parent
CUE_FILES = [("en", cues.load_cues), ("zh", cues.load_cues), ("en", cues.load_client_cues), ("zh", cues.load_client_cues)]


def _labelled_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "tests" / "data").rglob("*.jsonl")):
        out += [(row["text"], row["lang"]) for row in map(json.loads, path.read_text("utf-8").splitlines()) if row]
    for path in sorted((ROOT / "tests" / "data" / "calls").glob("*.txt")) + sorted((ROOT / "tests" / "scripts").glob("*.txt")):
        out += [(line.split(":", 1)[1].strip(), "zh" if "_zh" in path.name else "en")
                for line in path.read_text("utf-8").splitlines() if ":" in line]
    return out


TEXTS = _labelled_texts()


def _hidden_cues(language_cues, text: str) -> list[str]:
    """Cues that match `text` but that the scan did not offer as candidates."""
    scan = language_cues.scan(text)
    hidden = []
    for key, cueset in language_cues.flat.items():
        offered = set(scan.candidates.get(key, ()))
        for i in range(len(cueset.patterns)):
            if i not in offered and cueset.search_one(i, text):
                hidden.append(f"{key}[{i}]")
    return hidden


def test_almost_every_shipped_cue_requires_some_text():
    for lang, load in CUE_FILES:
        prefilter_, owners = load(lang)._prefilter
        assert len(prefilter_.always) <= 2, [owners[i] for i in prefilter_.always]


@pytest.mark.parametrize("lang, load", CUE_FILES, ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_the_scan_offers_every_cue_that_matches_a_labelled_line(lang, load):
    language_cues = load(lang)
    for text, _ in TEXTS:
        assert _hidden_cues(language_cues, text) == [], text


_AWKWARD = ["\u0130", "\u0131", "\u017f", "\u212a", "\u00e9", "\u00a0", "\u3000", "\uff11", "\u2028", "\n", "你", "。", "？",
            "'", "-", ",", " ", "_", "1"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEXTS), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(_AWKWARD) | st.characters()), max_size=6),
       st.booleans())
def test_the_scan_offers_every_matching_cue_in_any_unicode(row, insertions, upper):
    """Labelled lines with odd characters spliced in (dotted I, Kelvin sign, full-width digits, line
    breaks, Han next to Latin): a text a cue matches is always offered to that cue."""
    text = row[0].upper() if upper else row[0]
    for at, ch in insertions:
        text = text[:at] + ch + text[at:]
    for lang, load in CUE_FILES:
        assert _hidden_cues(load(lang), text) == [], (lang, text)


def test_characters_python_folds_to_an_ascii_letter_are_folded_for_the_scan():
    letters = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x80, 0x110000):
        ch = chr(code)
        if letters.fullmatch(ch):
            folded = prefilter.fold(ch)
            assert folded.isascii() and re.fullmatch(folded, ch, re.IGNORECASE), hex(code)


def test_without_ahocorasick_every_cue_is_a_candidate_and_the_labels_are_identical(monkeypatch):
    with_scan = [analyser.analyse(text, lang).model_dump() for text, lang in TEXTS]
    with_scan_client = [client.analyse_client(text, lang).model_dump() for text, lang in TEXTS]
    monkeypatch.setattr(prefilter, "ahocorasick", None)
    assert Prefilter(["abc", "x+"]).candidates("nothing here") == [0, 1]
    for load in (cues.load_cues, cues.load_client_cues):
        load.cache_clear()
    try:
        assert [analyser.analyse(text, lang).model_dump() for text, lang in TEXTS] == with_scan
        assert [client.analyse_client(text, lang).model_dump() for text, lang in TEXTS] == with_scan_client
    finally:
        for load in (cues.load_cues, cues.load_client_cues):
            load.cache_clear()


@pytest.mark.parametrize("pattern, strings", [
    (r"\b(what|how) (would|could)\b.{0,60}\b(mean|do) for\b", [{"what would", "what could", "how would", "how could"},
                                                            {"mean for", "do for"}]),
    (r"(?<!not )\bbad\b", [{"bad"}]),  # a lookbehind only narrows what matches
    (r"(您|你)(刚才)?(提到|说过)[^，,]{0,10}(贵|高)", [{"您提到", "你提到", "您说过", "你说过", "您刚才提到", "你刚才提到",
                                               "您刚才说过", "你刚才说过"}, {"贵", "高"}]),
    (r"\bOUR (\w+ ){0,2}PLATFORM\b", [{"our "}, {"platform"}]),  # lower-cased, as the text is
])
def test_a_cue_requires_each_piece_between_its_gaps(pattern, strings):
    assert [set(s) for s in requirements(pattern)] == strings


def test_a_cue_is_a_candidate_only_when_every_piece_is_there():
    scan = Prefilter([r"\bwhat would\b.{0,40}\bmean for\b", r"\bprice\b", r"\?"])
    assert scan.candidates(fold("What would that mean for you?")) == [0, 2]
    assert scan.candidates(fold("What would you do")) == []
    assert scan.candidates(fold("and what does the PRICE mean for you")) == [1]


def test_a_pattern_with_nothing_required_stays_a_candidate():
    assert requirements(r"^\w+$") == []
    assert requirements(r"\w+\?") == [{"?"}]
    assert Prefilter([r"^\w+$", "zzz"]).candidates("abc") == [0]


def _cue_spans(language_cues, text: str, folded: bool) -> list[tuple[str, int, tuple[int, int]]]:
    """Every cue's first match in `text`: as searched (on the folded text where it can be) or with
    IGNORECASE on `text` itself."""
    out, folded_text = [], fold(text)
    for key, cueset in language_cues.flat.items():
        for i, pattern in enumerate(cueset.patterns):
            m = cueset.search_one(i, text, folded_text) if folded else _ignorecase(pattern).search(text)
            if m:
                out.append((key, i, m.span()))
    return out


@functools.lru_cache(maxsize=None)
def _ignorecase(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def test_most_shipped_cues_are_searched_in_the_folded_text():
    for lang, load in CUE_FILES:
        patterns = [p for cueset in load(lang).flat.values() for p in cueset.patterns]
        assert sum(map(folds_exactly, patterns)) >= 0.95 * len(patterns), lang


@pytest.mark.parametrize("lang, load", CUE_FILES, ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_a_search_of_the_folded_text_finds_what_ignorecase_finds_in_every_labelled_line(lang, load):
    language_cues = load(lang)
    for text, _ in TEXTS:
        assert _cue_spans(language_cues, text, True) == _cue_spans(language_cues, text, False), text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TEXTS), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(_AWKWARD) | st.characters()), max_size=6),
       st.booleans())
def test_a_search_of_the_folded_text_finds_what_ignorecase_finds_in_any_unicode(row, insertions, upper):
    text = row[0].upper() if upper else row[0]
    for at, ch in insertions:
        text = text[:at] + ch + text[at:]
    for lang, load in CUE_FILES:
        assert _cue_spans(load(lang), text, True) == _cue_spans(load(lang), text, False), (lang, text)


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
