"""The one-pass cue scan is only a shortcut: it never hides a cue that matches, so the analyser says
exactly what it says without it, evidence and all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.analysis import analyser, client, cues, prefilter
from roleplay.analysis.prefilter import Prefilter, to_re2

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
            if i not in offered and cueset._single(i).search(text):
                hidden.append(f"{key}[{i}]")
    return hidden


def test_every_shipped_cue_has_an_re2_translation():
    for lang, load in CUE_FILES:
        untranslated = [p for cs in load(lang).flat.values() for p in cs.patterns if to_re2(p) is None]
        assert untranslated == [], lang
        assert load(lang)._prefilter[0].always == [], lang


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
            folded = ch.translate(prefilter._FOLD)
            assert folded.isascii() and re.fullmatch(folded, ch, re.IGNORECASE), hex(code)


def test_without_re2_every_cue_is_a_candidate_and_the_labels_are_identical(monkeypatch):
    with_scan = [analyser.analyse(text, lang).model_dump() for text, lang in TEXTS]
    with_scan_client = [client.analyse_client(text, lang).model_dump() for text, lang in TEXTS]
    monkeypatch.setattr(prefilter, "re2", None)
    assert Prefilter(["abc", "x+"]).candidates("nothing here") == [0, 1]
    for load in (cues.load_cues, cues.load_client_cues):
        load.cache_clear()
    try:
        assert [analyser.analyse(text, lang).model_dump() for text, lang in TEXTS] == with_scan
        assert [client.analyse_client(text, lang).model_dump() for text, lang in TEXTS] == with_scan_client
    finally:
        for load in (cues.load_cues, cues.load_client_cues):
            load.cache_clear()


@pytest.mark.parametrize("pattern, text", [
    (r"(?<!not )\bbad\b", "not bad"),  # lookbehind dropped: the scan offers, Python decides
    (r"\bwe (?!also)\w+", "we also"),
    (r"^x{2,4}y", "xxxxxxxy"),
    (r"你们.{0,3}系统", "你们现在的那套老系统"),
])
def test_translations_are_wider_than_their_cue(pattern, text):
    scan_says = Prefilter([pattern]).candidates(text)
    assert re.search(pattern, text, re.IGNORECASE) is None
    assert scan_says == [0]


def test_a_pattern_re2_cannot_take_stays_a_candidate():
    assert to_re2(r"(a)(?(1)b|c)") is None
    assert Prefilter([r"(a)(?(1)b|c)", "zzz"]).candidates("abc") == [0]
