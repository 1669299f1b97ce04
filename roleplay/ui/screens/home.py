"""The home screen: pick a scenario, read the client's card, your brief and the rubric, then start the call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from roleplay.report.text import TITLES
from roleplay.ui.widgets.pickers import OpenTable, ScenarioList

if TYPE_CHECKING:
    from roleplay.domain.scenario import Scenario
    from roleplay.ui.backend import Backend

RECENT_ROWS = 5


def scenario_card(backend: Backend, scenario: Scenario) -> Text:
    """Everything the rep may know before the call: the client's public profile, the brief, the grading."""
    persona = backend.library.persona(scenario.persona)
    card = Text()
    card.append(scenario.title, style="bold")
    card.append(f"\n{scenario.stage} stage · {scenario.difficulty} · {scenario.language} · "
                f"up to {scenario.turn_limit} turns\n\n", style="dim")
    card.append(f"{persona.name}", style="bold")
    card.append(f", {persona.title}, {persona.company}\n")
    card.append(f"{persona.level} · {persona.role.replace('_', ' ')}\n", style="dim")
    card.append(persona.public_profile.strip() + "\n\n")
    card.append("Your brief\n", style="bold underline")
    for label, text in (("You sell", scenario.brief.product), ("The meeting", scenario.brief.meeting),
                        ("Your goal", scenario.brief.goal)):
        card.append(f"{label}: ", style="bold")
        card.append(" ".join(text.split()) + "\n")
    card.append("\nA good call\n", style="bold underline")
    for criterion in scenario.success_criteria:
        card.append(f"• {criterion}\n")
    card.append("\nWhat you will be graded on\n", style="bold underline")
    weights = backend.weights(scenario.id)
    total = sum(weights.values()) or 1
    for key, weight in sorted(weights.items(), key=lambda kv: -kv[1]):
        card.append(f"{weight / total:>4.0%} ", style="bold")
        card.append(f"{TITLES.get(key, key)}", style="bold")
        describe = backend.rubric.describe.get(key)
        card.append(f": {describe}\n" if describe else "\n")
    return card


class HomeScreen(Screen):
    """Choose a scenario and start a call, or open a stored one."""

    BINDINGS = [
        Binding("s", "start", "Start call", show=False),
        Binding("c", "calls", "Stored calls"),
        Binding("n", "focus_name", "Your name"),
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, backend: Backend, rep: str | None = None, scenario_id: str | None = None):
        super().__init__()
        self.backend = backend
        self.rep = rep or ""
        self.initial_scenario = scenario_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            options: list[Option] = []
            for group in self.backend.scenario_groups():
                options.append(Option(Text(f"{group.stage.capitalize()} stage", style="bold"), disabled=True))
                for pg in group.personas:
                    p = pg.persona
                    persona = Text(f"{p.name} · {p.level}", style="italic")
                    options.append(Option(Padding(persona, (0, 0, 0, 1)), disabled=True))
                    for s in pg.scenarios:
                        prompt = Text(f"{s.title} ")
                        prompt.append(f"· {s.difficulty}", style="dim")
                        options.append(Option(Padding(prompt, (0, 0, 0, 3)), id=s.id))
            scenarios = ScenarioList(*options, id="scenarios")
            scenarios.border_title = "Scenarios"
            yield scenarios
            with VerticalScroll(id="card") as card:
                card.border_title = "Before the call"
                yield Static(id="card-text")
        with Horizontal(id="home-bar"):
            yield Label("Name ")
            yield Input(self.rep, placeholder="your name (optional)", id="rep-name", compact=True)
            yield Static(Text.assemble(("Engine ", "bold"), self.backend.engine_label), id="engine")
        recent = OpenTable(id="recent", cursor_type="row", zebra_stripes=True)
        recent.border_title = "Recent calls"
        yield recent
        yield Static("No calls yet. Pick a scenario and press Enter to start one.", id="no-calls")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "roleplay"
        self.sub_title = "practise a discovery call"
        table = self.query_one("#recent", DataTable)
        table.add_columns("Started", "Name", "Score", "Outcome", "Scenario")
        self._load_recent()
        scenarios = self.query_one("#scenarios", OptionList)
        if self.initial_scenario:
            scenarios.highlighted = scenarios.get_option_index(self.initial_scenario)
        else:
            scenarios.action_first()
            if scenarios.highlighted is not None and scenarios.get_option_at_index(scenarios.highlighted).disabled:
                scenarios.action_cursor_down()
        scenarios.focus()

    def on_screen_resume(self) -> None:
        self._load_recent()

    def _load_recent(self) -> None:
        table = self.query_one("#recent", DataTable)
        table.clear()
        rows = self.backend.recent_calls(RECENT_ROWS)
        for row in rows:
            table.add_row(*self.backend.call_cells(row), key=row["id"])
        table.display = bool(rows)
        self.query_one("#no-calls").display = not rows

    # -- what the user does ----------------------------------------------------------------------

    @property
    def selected_scenario(self) -> str | None:
        scenarios = self.query_one("#scenarios", OptionList)
        if scenarios.highlighted is None:
            return None
        return scenarios.get_option_at_index(scenarios.highlighted).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            card = self.query_one("#card-text", Static)
            card.update(scenario_card(self.backend, self.backend.scenario(event.option.id)))
            self.query_one("#card", VerticalScroll).scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()  # Enter in the name field starts the highlighted scenario

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_stored_call(event.row_key.value)

    def action_start(self) -> None:
        scenario_id = self.selected_scenario
        if scenario_id:
            self.app.start_call(scenario_id, self.query_one("#rep-name", Input).value)

    def action_calls(self) -> None:
        self.app.show_calls()

    def action_focus_name(self) -> None:
        self.query_one("#rep-name", Input).focus()
