"""Splits an utterance into sentences, keeping each one's offset (cheap: no cue files, no rewrites)."""

from __future__ import annotations

import re
from typing import NamedTuple

# A sentence ends at . ! ? ; (followed by a space or the end) or at Chinese 。！？；.
_SENTENCE = re.compile(r"[^.!?;。！？；]+(?:[.!?;]+(?=\s|$)|[。！？；]+|[.!?;]+|$)")
# The same without the semicolon: the analyser reads "A; B?" as one sentence.
_SENTENCE_NO_SEMI = re.compile(r"[^.!?。！？]+(?:[.!?]+(?=\s|$)|[。！？]+|[.!?]+|$)")
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit in any script (str.isalnum)


class Sentence(NamedTuple):
    text: str
    start: int
    """Offset in the utterance."""

    @property
    def is_question_mark(self) -> bool:
        return self.text.rstrip().endswith(("?", "？"))

    @property
    def is_unpunctuated(self) -> bool:
        return not self.text.rstrip()[-1:] in (".", "!", "?", "。", "！", "？", ";", "；")


def split_sentences(text: str, semicolons: bool = True) -> list[Sentence]:
    """Sentences with their offsets in `text`; whitespace around each is trimmed.

    With `semicolons=False` a semicolon does not end a sentence (the analyser's reading)."""
    out = []
    for m in (_SENTENCE if semicolons else _SENTENCE_NO_SEMI).finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if _ALNUM.search(stripped):
            out.append(Sentence(stripped, m.start() + raw.index(stripped[0])))
    return out
