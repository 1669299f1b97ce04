"""The scorecard screen: overall and per-dimension scores as bars, the evidence behind them, and tips."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from roleplay.report.text import TITLES
from roleplay.review import findings
from roleplay.ui.backend import OUTCOME_TEXT
from roleplay.ui.widgets.pickers import OpenTable
from roleplay.ui.widgets.score_bar import ScoreBar

if TYPE_CHECKING:
    from roleplay.domain.review import ReviewedCall
    from roleplay.ui.backend import Backend


def _effect(value: float) -> Text:
    if not value:
        return Text("±0", style="dim")
    return Text(f"{value:+.0f}", style="green" if value > 0 else "red")


class ScorecardScreen(Screen):
    """How the call went, dimension by dimension, with every point traced to a turn."""

    BINDINGS = [
        Binding("r", "replay", "Replay call"),
        Binding("a", "again", "Practise again"),
        Binding("escape", "home", "Home"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, call: ReviewedCall):
        super().__init__()
        self.backend = backend
        self.call = call
        self._findings = sorted(findings(call.scorecard),
                                key=lambda f: (f.item.turn is None, f.item.turn or 0))

    def compose(self) -> ComposeResult:
        t, sc = self.call.transcript, self.call.scorecard
        yield Header()
        who = self.backend.persona_of(t.scenario).name if t.scenario in self.backend.library.scenarios else "the client"
        summary = Text()
        summary.append(f"{t.rep} with {who}", style="bold")
        summary.append(f" · {OUTCOME_TEXT.get(t.outcome, t.outcome)} · {len(t.turns)} turns")
        yield Static(summary, id="score-summary")
        weights = self.backend.weights(t.scenario)
        total = sum(weights.values()) or 1
        with Horizontal(id="score-top"):
            with Vertical(id="scores"):
                yield ScoreBar("Overall", sc.overall if sc else None, id="overall")
                for key, dim in (sc.dimensions.items() if sc else []):
                    share = weights.get(key, 0) / total
                    yield ScoreBar(TITLES.get(key, key), dim.score, note=f"{share:.0%}", classes="dimension")
            with VerticalScroll(id="tips"):  # focusable, so long tips can be scrolled from the keyboard
                yield Static(self._tips())
        table = OpenTable(id="evidence", cursor_type="row")
        table.border_title = "Evidence · Enter opens the call at that turn"
        yield table
        yield Static(id="evidence-detail")
        yield Footer()

    def _tips(self) -> Text:
        sc = self.call.scorecard
        tips = list(dict.fromkeys(tip for dim in sc.dimensions.values() for tip in dim.tips)) if sc else []
        text = Text()
        text.append("Tips", style="bold")
        if not tips:
            text.append("\nNothing to add: keep doing what you did.")
        for tip in tips:
            text.append(f"\n• {tip}")
        return text

    def on_mount(self) -> None:
        self.title = self.backend.scenario_title(self.call.transcript.scenario)
        self.sub_title = "scorecard"
        table = self.query_one("#evidence", DataTable)
        table.add_column("Turn", key="turn")
        table.add_column("Dimension", key="dimension")
        table.add_column("±", key="effect")
        table.add_column("What the grader saw", key="what")
        for i, f in enumerate(self._findings):
            what = f'“{f.item.quote}”' if f.item.quote else f.item.note
            table.add_row("call" if f.item.turn is None else str(f.item.turn), TITLES.get(f.dimension, f.dimension),
                          _effect(f.item.effect), what, key=str(i))
        table.focus()
        self._show_detail(0)

    def _show_detail(self, row: int) -> None:
        detail = Text()
        if self._findings:
            item = self._findings[row].item
            detail.append(item.rule, style="bold")
            if item.note:
                detail.append(f"  {item.note}")
            if item.quote:
                detail.append(f"\n“{item.quote}”", style="italic")
        self.query_one("#evidence-detail", Static).update(detail)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.cursor_row)

    def _open(self, row: int) -> None:
        if not self._findings:
            return
        turn = self._findings[row].item.turn
        if turn is None:
            self.notify("This finding is about the whole call; opening the replay at the start.", timeout=3)
        self.app.show_replay(self.call.transcript.id, turn=turn or 1)

    def action_replay(self) -> None:
        self.app.show_replay(self.call.transcript.id, turn=1)

    def action_again(self) -> None:
        t = self.call.transcript
        if t.scenario in self.backend.library.scenarios:
            self.app.start_call(t.scenario, t.rep, replace=True)

    def action_home(self) -> None:
        self.app.go_home()
