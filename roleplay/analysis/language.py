"""Detects whether an utterance is Chinese or English."""

import re

from roleplay.domain.vocabulary import Language

# Runs of Chinese characters (CJK unified ideographs, extension A and compatibility ideographs).
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")


def detect_language(text: str) -> Language:
    """`zh` when Han characters outnumber a third of the Latin letters, else `en`.

    Chinese reps mix in English product names ("我们的AI平台"), so one Han character is weighed
    against several Latin letters.
    """
    if text.isascii():
        return "en"
    han = sum(map(len, HAN_RUN.findall(text)))  # counted by runs: far fewer matches than characters
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    return "zh" if han and han * 3 >= latin else "en"
