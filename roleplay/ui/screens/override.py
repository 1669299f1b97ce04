"""The override dialog: a trainer's score for one dimension, with the reason; the grader's score stays beside it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from roleplay.report.text import TITLES
from roleplay.review import DimensionRow
from roleplay.ui.format import score_text


@dataclass(frozen=True)
class OverrideRequest:
    dimension: str
    score: float
    reason: str


class OverrideDialog(ModalScreen[OverrideRequest | None]):
    """Returns the trainer's score and reason, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, rows: list[DimensionRow], dimension: str):
        super().__init__()
        self.rows = {r.dimension: r for r in rows}
        self.dimension = dimension

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Override a score"
            yield Select([(TITLES.get(k, k), k) for k in self.rows], value=self.dimension, allow_blank=False,
                         id="override-dimension")
            yield Static(id="override-grader")
            with Horizontal(classes="field"):
                yield Label("Your score ")
                yield Input(placeholder="0-100", type="integer", max_length=3, id="override-score", compact=True)
            with Horizontal(classes="field"):
                yield Label("Reason     ")
                yield Input(placeholder="why the grader got it wrong", id="override-reason", compact=True)
            yield Label("Enter saves · Esc cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self._show_grader()
        self.query_one("#override-score", Input).focus()

    def _show_grader(self) -> None:
        row = self.rows[self.dimension]
        text = f"Grader: {score_text(row.grader)}"
        if row.override:
            text += f" · your earlier override: {row.override.score:.0f} ({row.override.reason})"
        self.query_one("#override-grader", Static).update(text)

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.dimension = event.value
            self._show_grader()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        score_input = self.query_one("#override-score", Input)
        reason = self.query_one("#override-reason", Input).value.strip()
        try:
            score = float(score_input.value)
        except ValueError:
            score = -1
        if not 0 <= score <= 100:
            self.notify("Give a score from 0 to 100.", severity="warning", timeout=3)
            score_input.focus()
            return
        if not reason:
            if event.input.id == "override-score":
                self.query_one("#override-reason", Input).focus()
            else:
                self.notify("An override needs a reason.", severity="warning", timeout=3)
            return
        self.dismiss(OverrideRequest(self.dimension, score, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
