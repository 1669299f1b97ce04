"""An optional LLM judge that refines context-dependent labels; where it disagrees with the rules, both show.

The judge labels turns the rules find hard (implication vs need-payoff, advantage vs benefit, implied vs
explicit need, diagnosing vs rebutting) as JSON validated by pydantic. An item is kept only if its
evidence is an exact substring of the turn it names. Scores never change: each disagreement is added to
the relevant dimension's evidence (rule `judge.<label>`, effect 0, note "rules said X, judge says Y") and
listed under `metrics["judge"]`. The transcript reaches the model as JSON data, so text in it addressed
to the judge is labelled like any other speech. Verdicts are cached by transcript, rubric, prompt and
model, so re-grading reproduces the same scorecard without calling the model.

Everything here but `judge_scorecard` is pure; the model is called through `roleplay.llm`, imported
only when a judge is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roleplay.errors import field_problem
from roleplay.domain.scorecard import EvidenceItem, Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.grading.grader import read_turns
from roleplay.grading.rubric import Rubric

JUDGE_VERSION = "1"
TEMPLATES = ("judge_system.j2", "judge_user.j2")

Label = Literal["implication", "need_payoff", "advantage", "benefit", "implied_need", "explicit_need",
                "diagnosing", "rebutting"]
FAMILY: dict[str, str] = {
    "implication": "spin", "need_payoff": "spin",
    "advantage": "offer", "benefit": "offer",
    "implied_need": "need", "explicit_need": "need",
    "diagnosing": "objection", "rebutting": "objection",
}
DIMENSION = {"spin": "discovery", "offer": "pitch_timing", "need": "discovery", "objection": "objection_handling"}
SPEAKER = {"spin": "rep", "offer": "rep", "need": "client", "objection": "rep"}


class JudgeItem(BaseModel):
    """One label the judge gives a turn, with the words that show it."""

    model_config = ConfigDict(extra="ignore")

    turn: int = Field(ge=1)
    label: Label
    evidence: str = Field(min_length=1)
    """Copied exactly from the turn's text."""
    reason: str = ""


class JudgeVerdict(BaseModel):
    """The judge's whole answer; items are validated one by one so one bad item does not void the rest."""

    model_config = ConfigDict(extra="ignore")

    items: list[dict]


class JudgeOutputInvalid(ValueError):
    """The judge's answer is not the JSON object asked for."""


# -- prompt and cache -------------------------------------------------------------------------------

def judge_turns(transcript: Transcript) -> list[dict]:
    """The transcript as the judge sees it: numbered turns, speaker and text, nothing else."""
    return [{"turn": i, "speaker": t.speaker, "text": t.text} for i, t in enumerate(transcript.turns, start=1)]


def judge_messages(transcript: Transcript) -> list[dict]:
    from roleplay.prompts.render import render

    return [
        {"role": "system", "content": render(TEMPLATES[0])},
        {"role": "user", "content": render(TEMPLATES[1], turns=judge_turns(transcript))},
    ]


def cache_key(transcript: Transcript, rubric: Rubric, model: str) -> str:
    """A hash of everything that decides the verdict: the turns, the rubric, the prompt text and the model."""
    from roleplay.prompts.render import template_text

    blob = json.dumps({
        "version": JUDGE_VERSION,
        "turns": [[t.speaker, t.text] for t in transcript.turns],
        "rubric": rubric.hash,
        "prompt": template_text(*TEMPLATES),
        "model": model,
    }, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def parse_verdict(text: str) -> JudgeVerdict:
    """The judge's JSON object, tolerating a code fence or words around it; raises JudgeOutputInvalid."""
    stripped = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip())
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end < start:
        raise JudgeOutputInvalid("no JSON object in the judge's answer")
    try:
        data = json.loads(stripped[start: end + 1])
    except ValueError as exc:
        raise JudgeOutputInvalid(f"the judge's answer is not valid JSON ({exc.msg})") from None
    try:
        return JudgeVerdict.model_validate(data)
    except ValidationError as exc:
        raise JudgeOutputInvalid(f"the judge's JSON does not match the schema ({field_problem(exc)})") from None


# -- merging a verdict into the scorecard (pure) ------------------------------------------------------

_NAMES = {
    "situation": "situation", "problem": "problem", "implication": "implication", "need_payoff": "need-payoff",
    "advantage": "advantage (feature talk)", "benefit": "benefit", "implied_need": "implied need",
    "explicit_need": "explicit need", "diagnosing": "diagnosing", "rebutting": "rebutting", None: "no label",
}


def rule_labels(transcript: Transcript) -> dict[int, dict[str, str | None]]:
    """What the rules say about each turn, per label family (turn number -> family -> label)."""
    reps, clients, _ = read_turns(transcript)
    out: dict[int, dict[str, str | None]] = {}
    probed = False
    for r in reps:
        x = r.labels
        offer = "benefit" if x.cue_for("tied_to_client_need") else ("advantage" if x.pitch else None)
        moves = set(x.objection_moves)
        answers = moves & {"value_reframe", "conditional_concession", "unconditional_concession"}
        # An answer after a diagnosing question settles the objection; before one, it rebuts it.
        objection = "diagnosing" if "probe" in moves else (
            "rebutting" if (answers and not probed) or x.irritators else None)
        probed = probed or "probe" in moves
        out[r.n] = {"spin": x.spin, "offer": offer, "objection": objection}
    for c in clients:
        need = "explicit_need" if c.labels.explicit_need else ("implied_need" if c.labels.implied_need else None)
        out[c.n] = {"need": need}
    return out


def apply_verdict(scorecard: Scorecard, transcript: Transcript, verdict: JudgeVerdict, model: str) -> Scorecard:
    """A copy of `scorecard` with the judge's disagreements added as evidence; scores are unchanged."""
    card = scorecard.model_copy(deep=True)
    rules = rule_labels(transcript)
    agreed = 0
    disagreements: list[dict] = []
    rejected: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for raw in verdict.items:
        try:
            item = JudgeItem.model_validate(raw)
        except ValidationError as exc:
            rejected.append({"item": _short(raw), "why": field_problem(exc)})
            continue
        why = _check(item, transcript)
        if why:
            rejected.append({"item": _short(raw), "why": why})
            continue
        family = FAMILY[item.label]
        if (item.turn, family) in seen:
            rejected.append({"item": _short(raw), "why": "a second label for the same turn"})
            continue
        seen.add((item.turn, family))
        said = rules.get(item.turn, {}).get(family)
        if said == item.label:
            agreed += 1
            continue
        dimension = DIMENSION[family]
        note = f"rules said {_NAMES[said]}, judge says {_NAMES[item.label]}"
        if item.reason:
            note += f": {' '.join(item.reason.split())[:200]}"
        card.dimensions[dimension].evidence.append(EvidenceItem(
            turn=item.turn, speaker=transcript.turns[item.turn - 1].speaker, quote=item.evidence.strip(),
            rule=f"judge.{item.label}", effect=0, note=note))
        disagreements.append({"turn": item.turn, "dimension": dimension, "rules": said, "judge": item.label,
                              "evidence": item.evidence.strip()})
    card.metrics = {**card.metrics, "judge": {
        "model": model,
        "version": JUDGE_VERSION,
        "items": agreed + len(disagreements),
        "agreed": agreed,
        "disagreements": disagreements,
        "rejected": rejected,
    }}
    return card


def _check(item: JudgeItem, transcript: Transcript) -> str | None:
    if item.turn > len(transcript.turns):
        return f"turn {item.turn} does not exist"
    turn = transcript.turns[item.turn - 1]
    if turn.speaker != SPEAKER[FAMILY[item.label]]:
        return f"'{item.label}' labels a {SPEAKER[FAMILY[item.label]]} turn, and turn {item.turn} is the {turn.speaker}'s"
    evidence = item.evidence.strip()
    if not evidence or evidence not in turn.text:
        return f"the evidence is not an exact quote of turn {item.turn}"
    return None


def _short(raw) -> dict | str:
    text = json.dumps(raw, ensure_ascii=False)
    return raw if len(text) <= 300 else text[:300] + "…"


# -- the model call, with a cache ---------------------------------------------------------------------

def _read_cache(path: Path) -> JudgeVerdict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return JudgeVerdict.model_validate(data["verdict"])
    except (OSError, ValueError, KeyError, TypeError, ValidationError):
        return None  # missing or damaged: ask the model again and rewrite it


def _write_cache(path: Path, key: str, model: str, verdict: JudgeVerdict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = json.dumps({"key": key, "model": model, "version": JUDGE_VERSION, "verdict": verdict.model_dump()},
                      ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".judge-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(blob)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ask_judge(transcript: Transcript, model: str, api_base: str | None = None, timeout: float | None = None,
              client=None) -> JudgeVerdict:
    """Ask the model; an answer that is not the JSON asked for is retried once, then raises LLMError."""
    from roleplay.llm.client import ChatClient
    from roleplay.llm.errors import LLMError

    client = client or ChatClient(model, api_base, timeout)
    messages = judge_messages(transcript)
    problem = ""
    for _attempt in (1, 2):
        answer = client.complete(messages, json_object=True, temperature=0, max_tokens=2000)
        try:
            return parse_verdict(answer.text)
        except JudgeOutputInvalid as exc:
            problem = str(exc)
            messages = [*messages[:2], {"role": "assistant", "content": answer.text[:2000]},
                        {"role": "user", "content": f"That answer was not usable: {problem}. Answer again with "
                                                    "the JSON object only, in the form asked for."}]
    raise LLMError(f"the judge model {model} did not return the JSON asked for (twice): {problem}",
                   kind="judge_output", retryable=True, attempts=2)


def judge_scorecard(transcript: Transcript, scorecard: Scorecard, rubric: Rubric, model: str,
                    api_base: str | None = None, cache_dir: str | os.PathLike | None = None,
                    timeout: float | None = None) -> Scorecard:
    """The rule scorecard refined by an LLM judge: disagreements shown as evidence, scores unchanged.

    Raises LLMError (one line) when the model cannot be reached or its answer is not valid JSON twice;
    the rule scorecard is still good to show. With `cache_dir`, verdicts are stored as JSON files keyed
    by transcript, rubric, prompt text and model, and re-grading reuses them.
    """
    key = cache_key(transcript, rubric, model)
    path = Path(cache_dir) / f"judge-{key[:32]}.json" if cache_dir else None
    verdict = _read_cache(path) if path else None
    if verdict is None:
        verdict = ask_judge(transcript, model, api_base, timeout)
        if path:
            _write_cache(path, key, model, verdict)
    return apply_verdict(scorecard, transcript, verdict, model)
