"""The replay screen: step through a stored call with the grader's evidence beside each turn; add notes,
override scores and export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from roleplay.errors import RoleplayError
from roleplay.report.text import TITLES
from roleplay.review import (
    add_note,
    call_findings,
    clear_override,
    dimension_rows,
    findings_for_turn,
    notes_for_turn,
    overall_with_overrides,
    override_score,
)
from roleplay.ui.backend import OUTCOME_TEXT
from roleplay.ui.format import score_text, short_date
from roleplay.ui.screens.note import NoteDialog
from roleplay.ui.screens.override import OverrideDialog, OverrideRequest

if TYPE_CHECKING:
    from roleplay.domain.review import ReviewedCall
    from roleplay.ui.backend import Backend


def _effect(value: float) -> tuple[str, str]:
    if not value:
        return ("±0", "dim")
    return (f"{value:+.0f}", "green" if value > 0 else "red")


def _findings_grid(found: list, turn_text: str) -> Table:
    """Effect beside each finding: dimension, quoted span, then the rule and its note, indented together."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=4, justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for f in found:
        what = Text(TITLES.get(f.dimension, f.dimension), style="bold")
        if f.item.quote and f.item.quote != turn_text:
            what.append(f" “{f.item.quote}”")
        what.append(f"\n{f.item.rule}", style="dim")
        if f.item.note:
            what.append(f" {f.item.note}")
        grid.add_row(Text(*_effect(f.item.effect)), what)
    return grid


class ReplayScreen(Screen):
    """A stored call, turn by turn, for trainers."""

    BINDINGS = [
        Binding("n", "note", "Note"),
        Binding("o", "override", "Override"),
        Binding("s", "view('scores')", "Scores"),
        Binding("s", "view('turn')", "Turns"),
        Binding("x", "clear_override", "Clear override"),
        Binding("m", "export('md')", "Markdown"),
        Binding("j", "export('json')", "JSON"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, call: ReviewedCall, turn: int = 1):
        super().__init__()
        self.backend = backend
        self.call = call
        self.start_turn = max(1, min(turn, len(call.transcript.turns)))

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="replay-summary")
        with Horizontal(id="replay-body"):
            turns = OptionList(id="turns")
            turns.border_title = "Turns"
            yield turns
            with ContentSwitcher(initial="turn-view", id="replay-right"):
                with VerticalScroll(id="turn-view") as view:
                    view.can_focus = False
                    yield Static(id="turn-detail")
                scores = DataTable(id="score-table", cursor_type="row")
                scores.border_title = "Scores · o overrides the highlighted one"
                yield scores
        yield Footer()

    def on_mount(self) -> None:
        t = self.call.transcript
        self.title = self.backend.scenario_title(t.scenario)
        self.sub_title = "replay"
        self._refresh_all()
        turns = self.query_one("#turns", OptionList)
        if turns.option_count:
            turns.highlighted = self.start_turn - 1
        turns.focus()

    def _refresh_all(self) -> None:
        self._refresh_summary()
        self._refresh_turn_list()
        self._refresh_scores()
        self._refresh_detail()

    def _client_name(self) -> str:
        pid = self.call.transcript.persona
        lib = self.backend.library
        return lib.personas[pid].name if pid in lib.personas else "Client"

    def _refresh_summary(self) -> None:
        t, sc = self.call.transcript, self.call.scorecard
        text = Text()
        text.append(f"{t.rep}", style="bold")
        text.append(f" with {self._client_name()} · {short_date(t.started)} · {OUTCOME_TEXT.get(t.outcome, t.outcome)}")
        if sc is not None:
            text.append(" · overall ")
            text.append(score_text(sc.overall), style="bold")
            if self.call.review.overrides:
                reviewed = overall_with_overrides(self.call, self.backend.weights(t.scenario))
                text.append(" (trainer ")
                text.append(score_text(reviewed), style="bold")
                text.append(")")
        self.query_one("#replay-summary", Static).update(text)

    def _refresh_turn_list(self) -> None:
        turns = self.query_one("#turns", OptionList)
        keep = turns.highlighted
        turns.clear_options()
        client = self._client_name().split()[0]
        for n, turn in enumerate(self.call.transcript.turns, start=1):
            marks = ("●" if findings_for_turn(self.call, n) else " ") + ("✎" if notes_for_turn(self.call, n) else " ")
            who = "You" if turn.speaker == "rep" else client
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(f"{n:>2}{marks}", style="bold")
            prompt.append(f"{who}: ", style="bold" if turn.speaker == "rep" else "italic")
            prompt.append(" ".join(turn.text.split()))
            turns.add_option(Option(prompt, id=str(n)))
        if keep is not None:
            turns.highlighted = keep

    def _refresh_scores(self) -> None:
        table = self.query_one("#score-table", DataTable)
        keep = table.cursor_row
        rows = []
        for row in dimension_rows(self.call):
            o = row.override
            rows.append((row.dimension, [TITLES.get(row.dimension, row.dimension), score_text(row.grader),
                                         f"{o.score:.0f}" if o else "",
                                         (o.reason + (f" ({o.author})" if o.author else "")) if o else ""]))
        # Widths are set from the content: a table refreshed while a dialog covers it would otherwise keep
        # the widths of its old content and cut the new reason short.
        table.clear(columns=True)
        for i, label in enumerate(("Dimension", "Grader", "Trainer", "Reason")):
            table.add_column(label, key=label.lower(),
                             width=max([cell_len(label)] + [cell_len(cells[i]) for _, cells in rows]))
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    @property
    def turn(self) -> int:
        highlighted = self.query_one("#turns", OptionList).highlighted
        return (highlighted or 0) + 1

    def _refresh_detail(self) -> None:
        self.query_one("#turn-detail", Static).update(self._detail())

    def _detail(self) -> Group | Text:
        """The turn in full, the grader's evidence about it, and the trainers' notes."""
        t = self.call.transcript
        if not t.turns:
            return Text("This call has no turns.")
        n = self.turn
        turn = t.turns[n - 1]
        who = f"You ({t.rep})" if turn.speaker == "rep" else self._client_name()
        head = Text()
        head.append(f"Turn {n} of {len(t.turns)} · {who}\n", style="bold")
        head.append(turn.text)
        if turn.speaker == "client" and turn.move:
            released = f" · released: {', '.join(turn.released)}" if turn.released else ""
            head.append(f"\nclient move: {turn.move}{released}", style="dim")
        parts: list = [head, Text("\nGrader", style="bold underline")]
        found = findings_for_turn(self.call, n)
        if self.call.scorecard is None:
            parts.append(Text("Not graded (the call is unfinished).", style="dim"))
        elif not found:
            parts.append(Text("Nothing scored on this turn.", style="dim"))
        if found:
            parts.append(_findings_grid(found, turn.text))
        whole = call_findings(self.call) if n == 1 else []
        if whole:  # shown with the first turn, so nothing the grader said is out of reach
            parts += [Text("\nAbout the whole call", style="italic"), _findings_grid(whole, turn.text)]
        parts.append(Text("\nTrainer notes", style="bold underline"))
        notes = notes_for_turn(self.call, n)
        if not notes:
            parts.append(Text("None yet. Press n to add one.", style="dim"))
        for note in notes:
            line = Text("✎ ")
            if note.author:
                line.append(f"{note.author}: ", style="bold")
            line.append(note.text)
            parts.append(line)
        return Group(*parts)

    # -- navigation --------------------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._refresh_detail()
        self.query_one("#turn-view", VerticalScroll).scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_note()

    @property
    def view(self) -> str:
        return "scores" if self.query_one(ContentSwitcher).current == "score-table" else "turn"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "view":
            return parameters[0] != self.view
        if action == "override":
            return self.call.scorecard is not None
        if action == "clear_override":
            return self.view == "scores" and self._highlighted_dimension() in self.call.review.overrides
        if action == "note":
            return self.view == "turn" and bool(self.call.transcript.turns)
        return True

    def action_view(self, view: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "score-table" if view == "scores" else "turn-view"
        self.query_one("#turns").display = view != "scores"
        self.query_one("#score-table" if view == "scores" else "#turns").focus()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_override()

    def action_back(self) -> None:
        if self.view == "scores":
            self.action_view("turn")
        else:
            self.app.pop_screen()

    # -- trainer actions ---------------------------------------------------------------------------

    def _store(self, call: ReviewedCall, done: str) -> None:
        try:
            self.call = self.backend.save_review(call)
        except RoleplayError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        self._refresh_all()
        self.refresh_bindings()
        self.notify(done, timeout=3)

    def action_note(self) -> None:
        n = self.turn
        turn = self.call.transcript.turns[n - 1]

        def save(text: str | None) -> None:
            if text:
                try:
                    call = add_note(self.call, n, text, author=self.app.user_name, at=self.backend.clock())
                except RoleplayError as exc:
                    self.notify(str(exc), severity="error")
                    return
                self._store(call, f"Note added to turn {n}.")

        self.app.push_screen(NoteDialog(n, turn.text), save)

    def _highlighted_dimension(self) -> str | None:
        table = self.query_one("#score-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_override(self) -> None:
        rows = dimension_rows(self.call)
        if not rows:
            return
        if self.view == "scores":
            dimension = self._highlighted_dimension()
        else:
            found = findings_for_turn(self.call, self.turn)
            dimension = found[0].dimension if found else rows[0].dimension

        def save(request: OverrideRequest | None) -> None:
            if request is None:
                return
            try:
                call = override_score(self.call, request.dimension, request.score, request.reason,
                                      author=self.app.user_name, at=self.backend.clock())
            except RoleplayError as exc:
                self.notify(str(exc), severity="error")
                return
            self._store(call, f"{TITLES.get(request.dimension, request.dimension)}: "
                              f"{request.score:.0f} (grader {score_text(self.call.scorecard.dimensions[request.dimension].score)}).")
            self.action_view("scores")

        self.app.push_screen(OverrideDialog(rows, dimension or rows[0].dimension), save)

    def action_clear_override(self) -> None:
        dimension = self._highlighted_dimension()
        if dimension in self.call.review.overrides:
            self._store(clear_override(self.call, dimension), f"{TITLES.get(dimension, dimension)}: back to the grader's score.")

    def action_export(self, fmt: str) -> None:
        try:
            path = self.backend.export(self.call, fmt)
        except RoleplayError as exc:
            self.notify(str(exc), title="Export failed", severity="error", timeout=8)
            return
        self.notify(f"Exported to {path.name} in {path.parent}", title="Exported", timeout=6)
