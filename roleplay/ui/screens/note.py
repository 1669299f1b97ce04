"""The note dialog: a trainer's comment on one turn."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class NoteDialog(ModalScreen[str | None]):
    """Returns the note's text, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, turn: int, quote: str):
        super().__init__()
        self.turn = turn
        self.quote = quote

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"Note on turn {self.turn}"
            yield Static(self.quote, id="note-quote", markup=False)
            yield Input(placeholder="What should the rep take from this turn?", id="note-text")
            yield Label("Enter saves · Esc cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("Write the note first (Esc cancels).", severity="warning", timeout=3)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
