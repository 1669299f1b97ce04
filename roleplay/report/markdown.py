"""A call as Markdown: scores (grader beside trainer), the transcript with evidence and notes under each turn, tips."""

from __future__ import annotations

from roleplay.domain.review import Review
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.report.text import TITLES
from roleplay.review import call_findings, dimension_rows, findings_for_turn, notes_for_turn, overall_with_overrides, reviewed_call


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _effect(value: float) -> str:
    return f"{value:+.0f}" if value else "±0"


def render_markdown(
    transcript: Transcript,
    scorecard: Scorecard | None = None,
    review: Review | None = None,
    weights: dict[str, float] | None = None,
) -> str:
    """The whole call for people to read. `weights` (the rubric's, with the scenario's overrides) adds the
    overall score recomputed with the trainer's overrides."""
    call = reviewed_call(transcript, scorecard, review)
    t = transcript
    lines = [f"# Call {t.id}", ""]
    meta = [
        ("Scenario", t.scenario or "—"),
        ("Client", t.persona or "—"),
        ("Rep", t.rep),
        ("Started", t.started.strftime("%Y-%m-%d %H:%M UTC") if t.started else "—"),
        ("Outcome", (t.outcome or "in progress").replace("_", " ")),
        ("Engine", t.engine + (f" ({t.model})" if t.model else "")),
        ("Language", t.language),
    ]
    lines += ["| | |", "|---|---|", *[f"| {k} | {_cell(v)} |" for k, v in meta], ""]

    if scorecard is not None:
        overrides = call.review.overrides
        lines += ["## Scores", ""]
        if overrides:
            lines += ["| Dimension | Grader | Trainer | Reason |", "|---|---:|---:|---|"]
            reviewed = overall_with_overrides(call, weights) if weights else None
            lines.append(f"| **Overall** | {_score(scorecard.overall)} | {_score(reviewed) if weights else ''} | |")
            for row in dimension_rows(call):
                o = row.override
                trainer = f"{o.score:.0f}" if o else ""
                reason = _cell(o.reason + (f" ({o.author})" if o.author else "")) if o else ""
                lines.append(f"| {TITLES.get(row.dimension, row.dimension)} | {_score(row.grader)} | {trainer} | {reason} |")
        else:
            lines += ["| Dimension | Score |", "|---|---:|", f"| **Overall** | {_score(scorecard.overall)} |"]
            for row in dimension_rows(call):
                lines.append(f"| {TITLES.get(row.dimension, row.dimension)} | {_score(row.grader)} |")
        lines.append("")

    lines += ["## Transcript", ""]
    for n, turn in enumerate(t.turns, start=1):
        who = f"Rep ({t.rep})" if turn.speaker == "rep" else "Client"
        lines += [f"**{n}. {who}:** {turn.text}", ""]
        annotations = [
            f"> {_effect(f.item.effect)} {TITLES.get(f.dimension, f.dimension)}"
            + (f' · "{f.item.quote}"' if f.item.quote and f.item.quote != turn.text else "")
            + f" · `{f.item.rule}`"
            + (f" · {f.item.note}" if f.item.note else "")
            for f in findings_for_turn(call, n)
        ]
        annotations += [
            f"> **Note{f' ({note.author})' if note.author else ''}:** {note.text}" for note in notes_for_turn(call, n)
        ]
        if annotations:
            lines += ["  \n".join(annotations), ""]

    whole = call_findings(call)
    if whole:
        lines += ["## About the whole call", ""]
        lines += [f"- {_effect(f.item.effect)} {TITLES.get(f.dimension, f.dimension)} · `{f.item.rule}` · {f.item.note}"
                  for f in whole]
        lines.append("")
    tips = [tip for dim in (scorecard.dimensions.values() if scorecard else []) for tip in dim.tips]
    if tips:
        lines += ["## Tips", "", *[f"- {tip}" for tip in dict.fromkeys(tips)], ""]
    if scorecard is not None:
        lines.append(f"_Graded by roleplay grader {scorecard.grader_version}, rubric {scorecard.rubric} "
                     f"({scorecard.rubric_hash})._")
    return "\n".join(lines).rstrip() + "\n"
