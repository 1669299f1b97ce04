"""Suggests a neutral rewrite of a leading question."""

from __future__ import annotations

import re

_EN_TAG = re.compile(
    r"\s*,\s*(right|correct|yes|no|isn't (it|that|he|she|this)|aren't (they|you|we)|don't (you|they|we)|doesn't (it|he|she)|wouldn't (you|it|they)|won't (it|you|they)|didn't (it|you|they)|can't (you|it|they)|haven't (you|they)|hasn't it|wasn't it|weren't they|shouldn't (it|you|we)|agreed|true)\s*\?*\s*$",
    re.IGNORECASE,
)
_EN_OPENERS = re.compile(
    r"^(you'd agree( that)?|you would agree( that)?|don't you (think|agree|feel)( that)?|wouldn't you (agree|say)( that)?|isn't it true( that)?|surely)\s*,?\s*",
    re.IGNORECASE,
)
_EN_LOADED = re.compile(
    r"\b(outdated|out-of-date|clunky|terrible|awful|old-fashioned|archaic|obsolete|antiquated|broken|horrible|messy|chaotic|useless|primitive|ancient|embarrassing|old)\s+",
    re.IGNORECASE,
)
_ZH_TAG = re.compile(r"[，,]?\s*(是不是|对不对|对吧|是吧|不是吗|没错吧|你说呢|您说呢)?\s*[吧]?\s*[？?]?\s*$")
_ZH_LOADED = re.compile(r"(落后的?|过时的?|老旧的?|陈旧的?|糟糕的?|混乱的?|低效的?|笨重的?|老掉牙的?)")


def neutral_rewrite(text: str, kind: str | None, lang: str) -> str:
    """A neutral question on the same topic: the tag, the presupposition and loaded words removed.

    The result is a suggestion shown next to the cited cue, so it favours an open "how do you see"
    form over guessing the rep's intent.
    """
    if lang == "zh":
        core = _ZH_LOADED.sub("", text)
        core = re.sub(r"^(难道)?(您|你)?(一定|肯定|应该)?(也)?(同意|觉得|认为|不想|不觉得)?", "", core)
        core = re.sub(r"(肯定|一定|显然|大家都|同行都|都在)", "", core)
        core = _ZH_TAG.sub("", core).strip("，,。 ")
        return f"您怎么看{core}这件事?" if core else "您怎么看这件事?"
    core = _EN_TAG.sub("", text.strip())
    core = _EN_OPENERS.sub("", core)
    core = _EN_LOADED.sub("", core)
    core = re.sub(r"^(isn't|aren't|don't|doesn't|wouldn't|won't|can't|shouldn't)\s+", "", core, flags=re.IGNORECASE)
    core = core.rstrip(" ?.!")
    if not core:
        return "How do you see it?"
    return f"How do you see this: {core[0].lower() + core[1:]}?"
