"""The practice panel: the analyser's read of the rep's last turn and the client's mood and patience."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from roleplay.director.moves import ClientMove
    from roleplay.director.state import DirectorState
    from roleplay.domain.labels import UtteranceLabels

GOOD, BAD, NOTE = "good", "bad", "note"

SPIN_TEXT = {
    "situation": "Situation question",
    "problem": "Problem question",
    "implication": "Implication question",
    "need_payoff": "Need-payoff question",
}
LEADING_TEXT = {
    "tag_question": "tag question",
    "negative_question": "negative question",
    "presupposition": "loaded assumption",
    "crowd_appeal": "appeal to the crowd",
}
OBJECTION_TEXT = {
    "probe": (GOOD, "You probed the objection"),
    "value_reframe": (GOOD, "You reframed the value"),
    "conditional_concession": (GOOD, "Concession traded for a condition"),
    "unconditional_concession": (BAD, "Discount given for nothing"),
    "ask_approver": (GOOD, "You asked who approves the budget"),
}
MARK = {GOOD: ("✓ ", "green"), BAD: ("✗ ", "red"), NOTE: ("· ", "")}


def _quote(labels: UtteranceLabels, label: str) -> str:
    evidence = labels.cue_for(label)
    return f" “{evidence.span}”" if evidence and evidence.span and evidence.span != labels.text else ""


def describe_turn(labels: UtteranceLabels) -> list[tuple[str, str]]:
    """What the analyser saw in one rep turn, as (good|bad|note, text) lines, quoting the evidence."""
    lines: list[tuple[str, str]] = []
    if labels.addresses_system:
        lines.append((BAD, "Talking to the simulation, not the client"))
    if labels.spin:
        kind = GOOD if labels.spin in ("implication", "need_payoff", "problem") else NOTE
        lines.append((kind, SPIN_TEXT[labels.spin] + _quote(labels, "spin")))
    if labels.leading:
        kind = LEADING_TEXT.get(labels.leading_kind or "", "leading")
        lines.append((BAD, f"Leading ({kind}):{_quote(labels, 'leading') or ' ' + labels.text}"))
        if labels.neutral_rewrite:
            lines.append((NOTE, f"Try: “{labels.neutral_rewrite}”"))
    if labels.explains_purpose:
        lines.append((GOOD, "You explained why you ask"))
    if labels.shares_case:
        lines.append((GOOD, "You shared a case"))
    if labels.summarises:
        lines.append((GOOD, "You summarised what you heard"))
    if labels.pitch:
        lines.append((BAD, f"Feature pitch:{_quote(labels, 'pitch')}"))
    for move in labels.objection_moves:
        kind, text = OBJECTION_TEXT.get(move, (NOTE, move))
        lines.append((kind, text + _quote(labels, "objection_move")))
    for irritator in labels.irritators:
        lines.append((BAD, f"Irritator: “{irritator}”"))
    if labels.proposes_next_step:
        lines.append((GOOD, "You proposed a next step"))
    if labels.asks_referral:
        lines.append((GOOD, "You asked for an introduction"))
    if labels.asks_commitment:
        lines.append((NOTE, "You asked for a commitment"))
    if not lines:
        lines.append((NOTE, "A question" if labels.is_question else "A statement, no question"))
    return lines


def patience_dots(state: DirectorState) -> str:
    return "●" * max(0, state.patience) + "○" * max(0, state.max_patience - state.patience)


class CoachPanel(VerticalScroll):
    """Shown in practice mode only: what you did, and how the client is taking it."""

    can_focus = False

    def compose(self):
        yield Static(id="coach-turn")
        yield Static(id="coach-client")
        yield Static(id="coach-why")

    def show(self, labels: UtteranceLabels | None, state: DirectorState, move: ClientMove | None,
             client_name: str) -> None:
        turn = Text()
        turn.append("Your last turn\n", style="bold")
        if labels is None:
            turn.append("Say something; the read of your turn appears here.", style="dim")
        else:
            for i, (kind, line) in enumerate(describe_turn(labels)):
                mark, style = MARK[kind]
                turn.append(("\n" if i else "") + mark, style=style)
                turn.append(line)
        self.query_one("#coach-turn", Static).update(turn)

        client = Text()
        client.append(f"{client_name}\n", style="bold")
        client.append("Mood      ")
        client.append(state.mood, style={"engaged": "green", "impatient": "red", "gone": "red"}.get(state.mood, ""))
        client.append(f"\nPatience  {patience_dots(state)} {state.patience}/{state.max_patience}")
        client.append(f"\nTrust     {state.trust:+d}")
        self.query_one("#coach-client", Static).update(client)

        why = Text()
        if move is not None and move.reason:
            why.append("Why they said that\n", style="bold")
            why.append(move.reason)
        self.query_one("#coach-why", Static).update(why)
