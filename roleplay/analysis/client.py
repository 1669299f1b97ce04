"""Labels a client turn: explicit or implied need, objection type, commitment to a next step."""

from __future__ import annotations

from pydantic import BaseModel, Field

from roleplay.analysis.cues import Hit, load_client_cues
from roleplay.analysis.language import detect_language
from roleplay.domain.labels import Evidence


class ClientLabels(BaseModel):
    """The analyser's reading of one client turn."""

    text: str
    lang: str
    explicit_need: bool = False
    implied_need: bool = False
    objection: str | None = None
    """price, value, timing or authority."""
    commitment: bool = False
    evidence: list[Evidence] = Field(default_factory=list)


def _evidence(label: str, value, hit: Hit) -> dict:
    """`Evidence` fields: the labels validate them all at once, which costs less than one by one."""
    return {"label": label, "value": value, "cue": hit.cue, "span": hit.span, "start": hit.start, "end": hit.end}


def analyse_client(text: str, lang: str | None = None) -> ClientLabels:
    """Label one client turn."""
    if lang in (None, "auto"):
        lang = detect_language(text)
    cues = load_client_cues(lang)
    scan = cues.scan(text)
    found: dict = {}
    evidence = []
    for label in ("explicit_need", "implied_need", "commitment"):
        hit = scan.search(label)
        if hit:
            found[label] = True
            evidence.append(_evidence(label, True, hit))
    for kind, key in cues.keys_under("objection"):
        hit = scan.search(key)
        if hit:
            found["objection"] = kind
            evidence.append(_evidence("objection", kind, hit))
            break
    return ClientLabels(text=text, lang=lang, evidence=evidence, **found)

