"""The stored-calls screen: every call in the store, filtered by rep, scenario or date, to open in the replay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from roleplay.ui.backend import OUTCOME_SHORT
from roleplay.ui.format import short_date
from roleplay.ui.widgets.pickers import OpenTable

if TYPE_CHECKING:
    from roleplay.ui.backend import Backend

FIELDS = ("rep", "scenario", "date", "outcome")


def filter_calls(rows: list[dict], query: str, titles: dict[str, str] | None = None) -> list[dict]:
    """Rows matching every word of `query`. `rep:ana`, `scenario:price`, `date:2026-05` and `outcome:early`
    match one field; a bare word matches any of them. Case does not matter; a scenario's title counts as its name."""
    titles = titles or {}

    def fields(row: dict) -> dict[str, str]:
        scenario = row.get("scenario") or ""
        return {
            "rep": (row.get("rep") or "").lower(),
            "scenario": f"{scenario} {titles.get(scenario, '')}".lower(),
            "date": short_date(row.get("started")).lower(),
            "outcome": f"{row.get('outcome') or ''} {OUTCOME_SHORT.get(row.get('outcome'), '')}".lower(),
        }

    terms = []
    for word in query.lower().split():
        field, sep, value = word.partition(":")
        terms.append((field, value) if sep and field in FIELDS else (None, word))

    def matches(row: dict) -> bool:
        values = fields(row)
        return all(value in values[field] if field else any(value in v for v in values.values())
                   for field, value in terms)

    return [row for row in rows if matches(row)]


class CallsScreen(Screen):
    """Find a stored call and open it."""

    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, backend: Backend):
        super().__init__()
        self.backend = backend
        self._rows: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        filter_input = Input(placeholder="filter: words, or rep:NAME scenario:ID date:2026-05", id="filter")
        yield filter_input
        table = OpenTable(id="calls", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="calls-count")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Stored calls"
        self.sub_title = "replay, annotate, export"
        table = self.query_one("#calls", DataTable)
        table.add_columns("Started", "Name", "Score", "Turns", "Outcome", "Scenario")
        self._rows = self.backend.recent_calls()
        self._show(self._rows)
        table.focus()

    def on_screen_resume(self) -> None:
        self._rows = self.backend.recent_calls()
        self._show(filter_calls(self._rows, self.query_one("#filter", Input).value, self._titles()))

    def _titles(self) -> dict[str, str]:
        return {sid: s.title for sid, s in self.backend.library.scenarios.items()}

    def _show(self, rows: list[dict]) -> None:
        table = self.query_one("#calls", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*self.backend.call_cells(row, with_turns=True), key=row["id"])
        shown = f"{len(rows)} of {len(self._rows)} calls" if len(rows) != len(self._rows) else f"{len(rows)} calls"
        self.query_one("#calls-count", Static).update(shown if self._rows else "No stored calls yet.")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(filter_calls(self._rows, event.value, self._titles()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#calls").focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_stored_call(event.row_key.value)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "filter":
            self.query_one("#calls").focus()
        else:
            self.app.pop_screen()
