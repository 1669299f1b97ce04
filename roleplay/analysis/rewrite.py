"""Suggests a neutral rewrite of a leading question.

The transformation is simple and general: drop the tag ("…, isn't it?", 对吧), the opener that asks for
agreement ("You'd agree…", "Don't you think…", 难道…, 您一定同意…), appeals to the crowd ("Everyone
knows…", 同行都…), presuming adverbs ("surely", "still", 肯定) and loaded words ("outdated",
"nightmare", 落后的); then ask an open question about what is left, shaped by the question's SPIN type:

* problem: "How well is <topic> working for you?" / 您觉得<topic>怎么样？
* implication: "What effect does <topic> have on <object>?" / <A>对<B>有什么影响？
* need-payoff: "How would it help if …?" / 如果…，对您有什么帮助？
* situation: the statement turned into a plain question ("You're running X" -> "Are you running X?").

The result is checked against the leading cues of the same language; if any still fires, a plain
question on the same theme is returned instead, so the rewrite never repeats the leading cue.
"""

from __future__ import annotations

import re

from roleplay.analysis.caseless import Caseless, fold, group

# --- English -----------------------------------------------------------------------------------
_EN_TAG = Caseless(
    r"\s*(,\s*(right|correct|yes|no|isn't (it|that|he|she|this)|aren't (they|you|we)|don't (you|they|we)|"
    r"doesn't (it|he|she)|wouldn't (you|it|they)|won't (it|you|they)|didn't (it|you|they)|can't (you|it|they)|"
    r"haven't (you|they)|hasn't it|wasn't it|weren't they|shouldn't (it|you|we)|agreed|true|i suppose|i assume|"
    r"i guess|i imagine)|,?\s*(don't you think|wouldn't you say|wouldn't you agree))\s*[?.!]*\s*$",
)
# The last word of every tag in _EN_TAG.
_EN_TAG_LAST_WORDS = ("right", "correct", "yes", "no", "it", "that", "he", "she", "this", "they", "you", "we", "agreed",
                      "true", "suppose", "assume", "guess", "imagine", "think", "say", "agree")
_EN_TAIL = Caseless(
    r"[,;]?\s*(and |so )?(i'?m (guessing|sure|betting)|you('d| would) (want|like) that too|you (are|do) too)\b.*$"
    r"|\s*\blike (everyone|everybody|most|all|many|other)\b[\w' -]*$",
)
_EN_OPENER = Caseless(
    r"^(and |so |well,? )?("
    r"(i'?m sure )?you('d| would)? agree( that)?|(don't|do) you (think|agree|feel)( that)?|"
    r"wouldn't you (agree|say)( that)?|isn't it (true|obvious|clear)( that)?|surely|i bet|i'?m guessing|i guess|"
    r"i assume|i suppose|i imagine|i take it|obviously|clearly|of course|no doubt|imagine( how)?|"
    r"(everyone|everybody)( in [\w' -]+?)? (knows|agrees|says|thinks)( that)?|"
    r"like (most|all|many|every|other) [\w' -]+?,|"
    r"(most|all|many|nearly all|almost all)( of)?( the| your)?( other)?( [\w-]+){0,3} [\w-]+s (have|are|already)\b[^,;]*[,;]\s*(so|and)?"
    r")\s*,?\s*",
)
_EN_CROWD_CLAUSE = Caseless(
    r"^[^,;]*\b(everyone|everybody|the whole industry|all your (competitors|peers))\b[^,;]*[,;]\s*(so |and )?(?=(how|what|which|who|where|when|why|is|are|do|does|did|can|could|would|have|has)\b)",
)
_EN_NEGATIVE_START = Caseless(r"^(isn't|aren't|don't|doesn't|wouldn't|won't|can't|shouldn't|haven't|hasn't|wasn't|weren't|didn't|couldn't)\s+")
_EN_LOADED_OF = Caseless(r"\b(this|that|the|your|all this|all that) (mess|nightmare|chaos|shambles|disaster|jungle|tangle) of\b")
_EN_LOADED_NOUN = Caseless(r"\b(mess|nightmare|chaos|shambles|disaster|dinosaur)\b")
_EN_LOADED_WORDS = (
    "outdated", "out-of-date", "clunky", "terrible", "awful", "old-fashioned", "archaic", "obsolete", "antiquated", "broken",
    "horrible", "messy", "chaotic", "useless", "primitive", "ancient", "embarrassing", "hopeless", "ridiculous", "dreadful",
    "disastrous", "painfully", "pretty", "really", "so", "very", "exactly", "straight", "still", "always", "even", "surely",
    "obviously", "clearly", "all that", "all this", "every single", "sensible", "huge", "legacy", "old", "crippling", "bleeding",
)
_EN_LOADED = Caseless(
    r"\b(a bit of a |a real |an absolute |a complete |a total )?(" + "|".join(_EN_LOADED_WORDS) + r")\b\s*",
)
# A loaded word always starts a whole word of the text: its first word decides whether to try the pattern.
_EN_LOADED_FIRST = frozenset(re.split(r"[ -]", w)[0] for w in _EN_LOADED_WORDS)
_WORD = re.compile(r"\w+")
_EN_DET = r"(your|the|this|that|these|those|their|its|all|a|an)"
_EN_STOP = (
    r"(is|are|was|were|be|been|being|must|would|will|can|could|should|has|have|had|do|does|did|for|on|to|of|in|at|"
    r"with|by|from|about|over|under|between|across|through|behind|during|after|before|and|or|so|than|that|which|"
    r"who|right|every|each|because|when|if|a|an|the|your|their|its|too|not|never|again|down|up|away|out|"
    r"straight|any|into|as|like|cause|causes|causing|put|puts|putting|drive|drives|driving|kill|kills|killing|hurt|"
    r"hurts|hurting|slow|slows|slowing|hold|holds|holding|blow|blows|bleed|bleeding|lead|leads|led|eat|eating|eats|"
    r"wasting|waste|hate|hates|love|loves|find|need|needs|want|wants|struggle|struggles|get|gets|got|month|week|"
    r"year|day|night|time|pays|pay|saves|save|costs|cost|costing|causing|making|takes|taking|gives|giving|means|"
    r"leaving|works|helps|you|we|they|them|us|me|i|it)"
)
_EN_WORDS = rf"(?:\s+(?!{_EN_STOP}(?![\w'-]))[\w'/-]+){{1,4}}"
_EN_NP = Caseless(rf"\b{_EN_DET}{_EN_WORDS}")
_EN_SUBJECT = Caseless(rf"^(?:(?:this|that|these|those|the|your|their|all|a|an)\b{_EN_WORDS}|(?!{_EN_STOP}(?![\w'-]))[\w'/-]+(?:\s+(?!{_EN_STOP}(?![\w'-]))[\w'/-]+){{0,3}}|that|this|it|these|those)\b")
_EN_COMPLAINT = Caseless(
    rf"\b(hate|hates|dislike|struggle with|struggles with|fed up with|put up with|stuck on|stuck with|"
    rf"wasting time on|problems with|sick of|tired of)\s+((?:(?:the|your|those|these|this|that)\s+)?(?!{_EN_STOP}(?![\w'-]))[\w'/-]+(?:\s+(?!{_EN_STOP}(?![\w'-]))[\w'/-]+){{0,3}})",
)
_EN_STUCK = Caseless(r"\bstuck (on|with)\b")
_EN_WH = Caseless(r"^(how|what|which|who|where|when|why)\b")
_EN_EFFECT_OBJECT = Caseless(
    rf"\b(?:\w+ing|blow|blows|hurt|hurts|affect|affects|hit|hits|damage|damages)\s+((?:your|the|their)\s+"
    rf"(?:(?!{_EN_STOP}(?![\w'-]))[\w'/-]+\s*){{1,3}}|(?!{_EN_STOP}(?![\w'-]))[\w'/-]+)"
)
_EN_HOLDER = Caseless(r"\b((?:your|the|their)\s+[\w'/-]+(?:\s+(?!(?:are|is|all|were|was)\b)[\w'/-]+)?)\s+(?:are\s+|is\s+|all\s+|were\s+)?$")
_EN_LEADS_TO = Caseless(r"\b(lead|leads|led|result|results) (to|in) ([^;,]+)")
# "You're running X" -> "Are you running X?": a statement about the client's situation as a question.
_EN_SITUATION = tuple((Caseless(pattern), build) for pattern, build in (
    (r"^you('re| are) (.+)$", lambda g: f"Are you {g(2)}"),
    (r"^you('ve| have) got (.+)$", lambda g: f"Do you have {g(2)}"),
    (r"^you (must |probably |likely )?have (.+)$", lambda g: f"Do you have {g(2)}"),
    (r"^you('ve| have) (\w+ed|been|had|seen|done|made) (.+)$", lambda g: f"Have you {g(2)} {g(3)}"),
    (r"^you (\w+) (.+)$", lambda g: None if g(1).lower().endswith("s") else f"Do you {g(1)} {g(2)}"),
    (rf"^({_EN_DET}( [\w'-]+){{1,4}}?) (is|are) (.+)$", lambda g: f"{g(4).capitalize()} {_lc(g(1))} {g(5)}"),
    (r"^(what|how|which|who|where|when|why)\b(.+)$", lambda g: f"{g(1).capitalize()}{g(2)}"),
))
_EN_NEED_IF = Caseless(r"\bif (.+)$")
_EN_NEED_WHAT = Caseless(r"^(.+?) (exactly )?what (.+?) (need|needs|want|wants|are looking for)$")
_EN_NEED_WANT = Caseless(r"\b(want|love|like)\s+(to see\s+)?(.+)$")
_EN_NEED_TO_BE = Caseless(r"(.+?) to be (.+)$")
_EN_NEED_BE = Caseless(r"\b(be (?:a |an )?\w+) to (.+)$")
_EN_NEED_WOULD_BE = Caseless(r"\b((?:your|the|their) [\w' -]+?) would be (.+)$")
_EN_NEED_WOULD = Caseless(r"^(.+?) would\b")


def _has(text: str, *needles: str) -> bool:
    """Whether `text` holds one of `needles`, ignoring case: a cheap test that spares a costly
    pattern which cannot match without one of them."""
    low = fold(text)
    return any(n in low for n in needles)


def _may_end_in_tag(text: str) -> bool:
    """False when `_EN_TAG` cannot match: the text, without its final punctuation, does not end in
    one of the tags' last words. (The tag pattern is tried at every position, so it is costly.)"""
    return fold(text.rstrip().rstrip("?.!").rstrip()).endswith(_EN_TAG_LAST_WORDS)


def _may_have_tail(text: str) -> bool:
    """False when `_EN_TAIL` cannot match: none of the strings its alternatives require is there."""
    return _has(text, "m guessing", "m sure", "m betting", "that too", "are too", "do too",
                "like every", "like most", "like all", "like many", "like other")


def _en_clean(text: str) -> str:
    t = text.strip()
    for _ in range(4):
        before = t
        if _may_end_in_tag(t):
            t = _EN_TAG.sub("", t).strip()
        if _may_have_tail(t):
            t = _EN_TAIL.sub("", t).strip()
        t = t.rstrip(" ?.!,;")
        t = _EN_OPENER.sub("", t).strip()
        if _has(t, "every", "whole industry", "all your"):
            t = _EN_CROWD_CLAUSE.sub("", t).strip()
        t = _EN_NEGATIVE_START.sub("", t).strip()
        if t == before:
            break
    if _has(t, "mess", "nightmare", "chaos", "shambles", "disaster", "jungle", "tangle", "dinosaur"):
        t = _EN_LOADED_OF.sub("the", t)
        t = _EN_LOADED_NOUN.sub("situation", t)
    if _EN_LOADED_FIRST.intersection(_WORD.findall(fold(t))):
        t = _EN_LOADED.sub("", t)
    if _has(t, "stuck"):
        t = _EN_STUCK.sub("using", t)
    return re.sub(r"\s{2,}", " ", t).strip(" ,;")


def _lc(phrase: str) -> str:
    """Lower-case the first word unless it looks like a name or an acronym."""
    first = phrase.split()[0]
    if first.isupper() and len(first) > 1:
        return phrase
    return phrase[0].lower() + phrase[1:]


def _plural(phrase: str) -> bool:
    words = phrase.lower().split()
    if words[0] in ("these", "those"):
        return True
    head = words[-1].rstrip("'")
    return head.endswith("s") and not head.endswith(("ss", "us", "is", "'s")) and len(head) > 3


def _en_subject(core: str) -> str | None:
    if _EN_WH.match(core):
        return None
    m = _EN_SUBJECT.match(core)
    return _lc(group(m, core)) if m else None


def _en_phrases(core: str) -> list[str]:
    return [_lc(group(m, core)) for m in _EN_NP.finditer(core)
            if m.group(0).lower().split()[-1] not in ("situation", "thing", "things", "part", "way")]


def _en_object(core: str, subject: str) -> str:
    at = core.lower().find(subject.lower())
    rest = core[at + len(subject):] if at >= 0 else core
    m = _EN_EFFECT_OBJECT.search(rest)
    if m and m.group(1).strip() not in ("every", "each", "money", "time"):
        return _lc(group(m, rest, 1).strip())
    phrases = [p for p in _en_phrases(rest) if p.lower() != subject.lower()]
    return phrases[0] if phrases else "the business"


def _en_holder(core: str) -> tuple[str | None, str | None]:
    """("your teachers", "the gradebook") for "your teachers hate the gradebook"."""
    m = _EN_COMPLAINT.search(core)
    if not m:
        return None, None
    before = core[: m.start()]
    holder = _EN_HOLDER.search(before)
    return (_lc(group(holder, before, 1)) if holder else None), _lc(group(m, core, 2))


def _en_topic(core: str) -> str | None:
    m = _EN_COMPLAINT.search(core)
    if m:
        return _lc(group(m, core, 2))
    subject = _en_subject(core)
    if subject and subject.lower() not in ("that", "this", "it", "you", "i", "we", "they"):
        return subject
    phrases = _en_phrases(core)
    own = [p for p in phrases if p.lower().startswith("your ")]
    return (own or phrases or [None])[0]


def _en_situation(core: str) -> str | None:
    for pattern, build in _EN_SITUATION:
        m = pattern.match(core)
        if m:
            out = build(lambda g: group(m, core, g))
            if out:
                return out[0].upper() + out[1:] + "?"
    return None


def _en_need(core: str) -> str | None:
    m = _EN_NEED_IF.search(core)
    if m:
        return f"How would it help if {group(m, core, 1)}?"
    m = _EN_NEED_WHAT.match(core)
    if m:
        return f"How important is {_lc(group(m, core, 1))} to {_lc(group(m, core, 3))}?"
    m = _EN_NEED_WANT.search(core)
    if m and not m.group(3).startswith("that"):
        rest = group(m, core, 3)
        if m.group(2):
            return f"How important is it to you to see {rest}?"
        if rest.lower().startswith("to "):
            return f"How important is it to you {rest}?"
        n = _EN_NEED_TO_BE.match(rest)
        if n:
            return f"How would it help if {group(n, rest, 1)} {'were'} {group(n, rest, 2)}?"
        return f"How important is it to you to get {rest}?"
    m = _EN_NEED_BE.search(core)
    if m:
        return f"How important is it to you to {group(m, core, 2)}?"
    m = _EN_NEED_WOULD_BE.search(core)
    if m:
        return f"What would it mean for {_lc(group(m, core, 1))} to be {group(m, core, 2)}?"
    m = _EN_NEED_WOULD.match(core)
    if m:
        return f"What would {_lc(group(m, core, 1))} be worth to you?"
    topic = _en_topic(core)
    return f"What would {topic} be worth to you?" if topic else None


def _en_rewrite(text: str, spin: str | None) -> str:
    core = _en_clean(text)
    if not core:
        return ""
    if spin == "situation":
        out = _en_situation(core)
        if out and len(out.split()) > 3:
            return out
        if out:
            return ""
    if spin == "need_payoff":
        out = _en_need(core)
        if out:
            return out
    if spin == "implication":
        subject = _en_subject(core)
        if not subject or subject.lower().split()[0] in ("you", "you've", "you're", "i", "we"):
            others = [p for p in _en_phrases(core) if not p.lower().startswith("your ")]
            subject = others[0] if others else (_en_topic(core) or "that")
        m = _EN_LEADS_TO.search(core)
        if m and not _EN_WH.match(core):
            verb = "do" if _plural(subject) else "does"
            return f"How often {verb} {subject} {'lead to' if m.group(1).startswith('le') else 'result in'} {group(m, core, 3)}?"
        target = _en_object(core, subject)
        verb = "do" if _plural(subject) else "does"
        return f"What effect {verb} {subject} have on {target}?"
    holder, thing = _en_holder(core)
    if thing:
        if holder:
            return f"How {'do' if _plural(holder) else 'does'} {holder} find {thing}?"
        return f"How do you find {thing}?"
    topic = _en_topic(core)
    if topic and topic.lower() not in ("that", "this", "it"):
        verb = "are" if _plural(topic) else "is"
        return f"How well {verb} {topic} working for you?"
    return "How is that working for you at the moment?"


# --- Chinese -----------------------------------------------------------------------------------
_ZH_TAG = re.compile(r"[，,]?\s*(您|你)?(说)?(是不是|对不对|对吧|是吧|不是吗|没错吧|好不好|你说呢|您说呢)\s*[？?]?\s*$")
_ZH_END = re.compile(r"(吧|吗|呢|啊)?\s*[？?。！!]*\s*$")
_ZH_OPENER = re.compile(r"^(难道)?((您|你)(?!们)(一定|肯定|应该)?(也)?(不)?(同意|觉得|认为|认同))|^难道")
_ZH_ECHO = re.compile(r"^(您|你|你们)(肯定)?(也)?(一样|是|是这样|这样|想要|想|会)$|^(那)?(岂不是|岂不)?(太|多)?(好|好了|不错|棒)(了)?$")
_ZH_CROWD = re.compile(r"(大家都(知道|说|觉得)?|所有人都|同行都(说|知道)?|业内都|别人都|其他.{0,6}都|行业里都|都在用|都已经|都换成|都上了|和其他.{0,8}一样|跟其他.{0,8}一样|像.{0,8}一样|任何.{0,8}的.{0,6}都)")
_ZH_PRESUME = re.compile(r"(难道|岂不是|岂不|肯定|一定|显然|明显|必然|想必|绝对|确实|应该还|还在|还是|白白|天天|三天两头|老是|总是|已经|得(?=让)|严重|特别|非常|太|挺|多么|都|这么多|那么多|很(?!快))")
_ZH_LOADED = re.compile(r"(这么乱的|那么乱的|乱七八糟的?|一团糟的?|这么乱|落后的?|过时的?|老旧的?|陈旧的?|糟糕的?|差劲的?|混乱的?|低效的?|笨重的?|老掉牙的?|原始的?|差的?|烂的?)")
_ZH_OLD = re.compile(r"老(?=\S{0,4}(系统|工具|软件|平台|设备|版本))")
_ZH_COMPLAINT = re.compile(r"(讨厌|受不了|受够了?|烦透了?|头疼|不满意)(.+)$")
_ZH_PREDICATE = re.compile(r"(也是|也|是|已经|正在|还在|很|太|挺|特别|受不了|让人|用起来|有多|会|把|被|讨厌|麻烦|痛苦|拖|过时|慢|浪费|不|乱|差|烂|难用)")
_ZH_WH = re.compile(r"(多少|什么|哪|怎么|几)")


def _zh_clean(text: str) -> list[str]:
    t = _ZH_TAG.sub("", text.strip())
    t = _ZH_END.sub("", t)
    t = _ZH_OPENER.sub("", t)
    t = t.replace("这摊烂事", "这件事").replace("一堆", "这些")
    clauses = [c.strip() for c in re.split(r"[，,；;：:]", t) if c.strip()]
    clauses = [c for c in clauses if not _ZH_ECHO.match(c)] or clauses
    crowd_free = [c for c in clauses if not _ZH_CROWD.search(c)]
    if crowd_free and len(crowd_free) < len(clauses):
        crowd_free = [c + "\u2063" for c in crowd_free]  # marks that a crowd clause was dropped
    clauses = crowd_free if crowd_free else [_ZH_CROWD.sub("", c) for c in clauses]
    out = []
    for c in clauses:
        c = _ZH_LOADED.sub("", c)
        c = _ZH_OLD.sub("", c)
        c = _ZH_PRESUME.sub("", c)
        c = re.sub(r"^(那么|所以|而且|那(?![套个些种边里]))", "", c).strip()
        c = re.sub(r"不(想|希望|觉得)", r"\1", c)
        c = re.sub(r"了$", "", c)
        if c:
            out.append(c)
    return out


def _zh_topic(clause: str) -> tuple[str | None, str]:
    """(who holds the opinion, what it is about)."""
    m = _ZH_COMPLAINT.search(clause)
    if m:
        holder = clause[: m.start()].strip() or None
        return holder, m.group(2)
    m = _ZH_PREDICATE.search(clause, 1)
    topic = clause[: m.start()] if m else clause
    return None, re.sub(r"(这块|这一块|的)$", "", topic) or clause


def _zh_rewrite(text: str, spin: str | None) -> str:
    clauses = _zh_clean(text)
    if not clauses:
        return ""
    crowd_dropped = any(c.endswith("\u2063") for c in clauses)
    clauses = [c.rstrip("\u2063") for c in clauses]
    core = "，".join(clauses)
    if spin == "need_payoff":
        m = re.search(r"(想让|希望|想要|如果|要是|假如|想)(.+)$", core)
        if m:
            wish = m.group(2)
            if m.group(1) in ("如果", "要是", "假如"):
                wish = core[: m.start()] + m.group(2)
            elif m.group(1) == "想要":
                wish = "有" + wish
        else:
            wish = clauses[0]
        wish = re.sub(r"(的话)?[，,]?(那|就)?(会)?(太好了|好了|开心很多|高兴|轻松很多)$", "", wish).strip("，, ")
        return f"如果{wish or clauses[0]}，对您有什么帮助？"
    if spin == "implication":
        for c in clauses:
            m = re.match(r"^(.+?)(没有|没)?把(.+?)(拖慢|拖垮|影响|搞|弄|吃掉|耗).*$", c)
            if m:
                return f"{m.group(1)}对{m.group(3)}有什么影响？"
        for c in clauses:
            if _ZH_WH.search(c):
                return f"{c}？"
        for c in clauses:
            m = re.match(r"^(.+?)(会|就|也)?(影响|拖累|威胁到|威胁|危及|拖慢|拖垮)(了)?(.+)$", c)
            if m and m.group(5):
                subject = m.group(1)
                if subject in ("不", "会", "不会", "难道不会"):
                    subject = "这"
                return f"{subject}对{m.group(5)}有什么影响？"
            m = re.match(r"^(.+?)(会|也)?(受|被)", c)
            if m:
                return f"这对{m.group(1)}有什么影响？"
        first = re.sub(r"(没有|没|不)?(会|就)?(导致|造成|让).*$", "", clauses[0]) or clauses[0]
        return f"{first}会带来哪些影响？"
    if spin == "situation":
        if _ZH_WH.search(core):
            return "" if crowd_dropped or len(core) < 6 else f"{core}？"
        return f"{core}吗？"
    holder, topic = _zh_topic(clauses[0])
    return f"{holder or '您'}觉得{topic}怎么样？"


# --- entry point --------------------------------------------------------------------------------
_FALLBACK = {
    "en": {
        "problem": "How well is that working for you at the moment?",
        "implication": "What effect does that have on the business?",
        "need_payoff": "What difference would solving that make for you?",
        "situation": "How do you handle that today?",
        None: "How do you see that?",
    },
    "zh": {
        "problem": "您觉得现在这方面做得怎么样？",
        "implication": "这对业务有什么影响？",
        "need_payoff": "如果这个问题解决了，对您有什么帮助？",
        "situation": "这方面你们现在是怎么做的？",
        None: "您怎么看这件事？",
    },
}


def _still_leading(candidate: str, lang: str) -> bool:
    try:
        from roleplay.analysis.cues import load_cues

        cues = load_cues(lang)
    except Exception:  # noqa: BLE001 - a broken cue file must not break the suggestion
        return False
    leading = cues.under("leading")
    scan = leading.scan(candidate)
    return any(scan.search(key) for key in leading.flat)


def neutral_rewrite(text: str, kind: str | None, lang: str, spin: str | None = None, cue_span: str | None = None) -> str:
    """A neutral question on the same topic: the tag, the presupposition and loaded words removed.

    `text` is the leading question (one sentence is best), `kind` its leading kind, `spin` its SPIN
    type when known, `cue_span` the text the leading cue matched. The result never contains the
    leading cue and does not itself match any leading cue of `lang`.
    """
    lang = "zh" if lang == "zh" else "en"
    try:
        out = _zh_rewrite(text, spin) if lang == "zh" else _en_rewrite(text, spin)
    except Exception:  # noqa: BLE001 - a suggestion is optional; never fail the analysis over it
        out = ""
    out = re.sub(r"\s{2,}", " ", out).strip()
    bad = (
        not out
        or _still_leading(out, lang)
        or (cue_span and cue_span.strip(" ,，?？") and cue_span.strip(" ,，?？").lower() in out.lower())
    )
    if bad:
        out = _FALLBACK[lang].get(spin, _FALLBACK[lang][None])
    return out
