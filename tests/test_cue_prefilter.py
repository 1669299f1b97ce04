"""The one-pass cue scan is only a shortcut: it never hides a cue that matches, so the analyser says
exactly what it says without it, evidence and all."""

from __future__ import annotations

import pytest
from conftest import AWKWARD, CUE_FILES, labelled_texts, splice
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.analysis import analyser, client, cues, prefilter
from roleplay.analysis.caseless import fold
from roleplay.analysis.prefilter import Prefilter, requirements

TEXTS = labelled_texts()


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


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEXTS), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(AWKWARD) | st.characters()), max_size=6),
       st.booleans())
def test_the_scan_offers_every_matching_cue_in_any_unicode(row, insertions, upper):
    """Labelled lines with odd characters spliced in (dotted I, Kelvin sign, full-width digits, line
    breaks, Han next to Latin): a text a cue matches is always offered to that cue."""
    text = splice(row[0], insertions, upper)
    for lang, load in CUE_FILES:
        assert _hidden_cues(load(lang), text) == [], (lang, text)


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
    (r"\bOUR (\w+ ){0,2}PLATFORM\b", [{"platform"}, {"our "}]),  # lower-cased, as the text is; most telling first
    # Every fixed part of a sequence is required, inside groups too, not only the parts between gaps.
    (r"\b(our (\w+ )?(plans?|tiers?) (\w+ )?(includes?|has))\b", [{"plan ", "plans ", "tier ", "tiers "},
                                                                {"our "}, {"include", "has"}]),  # "includes" holds "include"
])
def test_a_cue_requires_each_fixed_part(pattern, strings):
    assert [set(s) for s in requirements(pattern)[0]] == strings


def test_each_top_level_alternative_has_its_own_requirements():
    assert [[set(s) for s in alt] for alt in requirements(r"\bwould (\w+ ){0,3}save\b|\broi\b")] == [[{"would "}, {"save"}], [{"roi"}]]
    scan = Prefilter([r"\bwould (\w+ ){0,3}save\b|\broi\b", r"\bprice\b"])
    assert scan.candidates(fold("Would it help?")) == []  # "would" alone no longer offers the cue
    assert scan.candidates(fold("What would that save, and at what price?")) == [0, 1]
    assert scan.candidates(fold("What ROI do you expect?")) == [0]


def test_a_cue_is_a_candidate_only_when_every_piece_is_there():
    scan = Prefilter([r"\bwhat would\b.{0,40}\bmean for\b", r"\bprice\b", r"\?"])
    assert scan.candidates(fold("What would that mean for you?")) == [0, 2]
    assert scan.candidates(fold("What would you do")) == []
    assert scan.candidates(fold("and what does the PRICE mean for you")) == [1]


def test_a_pattern_with_nothing_required_stays_a_candidate():
    assert requirements(r"^\w+$") == [[]]
    assert requirements(r"\w+\?") == [[{"?"}]]
    assert Prefilter([r"^\w+$", "zzz", r"\w+|abc"]).candidates("abc") == [0, 2]


def test_the_cues_under_a_label_scan_on_their_own_and_find_what_the_whole_scan_finds():
    for lang, load in CUE_FILES[:2]:
        whole = load(lang)
        leading = whole.under("leading")
        assert sorted(leading.flat) == sorted(key for _, key in whole.keys_under("leading"))
        for text, _ in TEXTS:
            part, full = leading.scan(text), whole.scan(text)
            assert [part.search(key) for key in leading.flat] == [full.search(key) for key in leading.flat], text
