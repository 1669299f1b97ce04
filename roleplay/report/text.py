"""A scorecard as plain terminal text: scores as bars, then the evidence and tips behind each."""

from __future__ import annotations

from roleplay.domain.scorecard import Scorecard

TITLES = {
    "discovery": "Discovery (SPIN/FOC)",
    "neutrality": "Neutral questions",
    "purpose_and_exchange": "Purpose and exchange",
    "audience_fit": "Audience fit",
    "pitch_timing": "Pitch timing",
    "objection_handling": "Objection handling",
    "advance": "Next step",
}


def bar(score: float | None, width: int = 20) -> str:
    if score is None:
        return "·" * width
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def scorecard_text(sc: Scorecard) -> str:
    overall = "n/a" if sc.overall is None else f"{sc.overall:.0f}/100"
    lines = [f"Overall: {overall}", ""]
    for key, dim in sc.dimensions.items():
        score = "n/a" if dim.score is None else f"{dim.score:>3.0f}"
        lines.append(f"  {TITLES.get(key, key):<22} {bar(dim.score)} {score}")
    for key, dim in sc.dimensions.items():
        if dim.score is None or not (dim.evidence or dim.tips):
            continue
        lines += ["", f"{TITLES.get(key, key)}:"]
        for e in dim.evidence:
            where = f"turn {e.turn}" if e.turn else "call"
            effect = f"{e.effect:+.0f}" if e.effect else "  0"
            quote = f' "{e.quote}"' if e.quote else ""
            lines.append(f"  {effect:>4}  {where:<8}{quote}  [{e.rule}] {e.note}".rstrip())
        for tip in dim.tips:
            lines.append(f"  tip: {tip}")
    m = sc.metrics
    if m:
        spin = m.get("spin", {})
        share = m.get("talk_share")
        lines += ["", "Metrics: "
                  f"{m.get('questions', 0)} questions (S {spin.get('situation', 0)} / P {spin.get('problem', 0)} / "
                  f"I {spin.get('implication', 0)} / N {spin.get('need_payoff', 0)}), "
                  f"talk share {'n/a' if share is None else f'{share:.0%}'}, "
                  f"longest run of bare questions {m.get('longest_bare_question_run', 0)}"]
    lines.append(f"Graded by roleplay grader {sc.grader_version}, rubric {sc.rubric} ({sc.rubric_hash}).")
    return "\n".join(lines)
