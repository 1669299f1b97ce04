"""The help screen: what the current screen is for and every key it answers to."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ABOUT = {
    "HomeScreen": "Pick a scenario on the left; the card on the right shows who you meet, your brief and what "
                  "you will be graded on. Type your name, then Enter starts the call.",
    "CallScreen": "Type to the client and press Enter. In practice mode the panel on the right reads your last "
                  "turn (question type, leading questions, pitching) and shows the client's mood and patience. "
                  "Assessment mode hides it until the scorecard. The client may end the call.",
    "ScorecardScreen": "Each dimension is scored 0-100 from the evidence below it; the percentage is its weight "
                       "in the overall score. Highlight an evidence row and press Enter to see that turn.",
    "CallsScreen": "Every stored call. Filter with words, or rep:NAME, scenario:ID, date:2026-05.",
    "ReplayScreen": "Step through the call with the arrow keys; the grader's evidence for each turn is on the "
                    "right. Add notes and override scores with a reason; the grader's score stays beside yours.",
}


KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "Esc", "pageup": "PgUp", "pagedown": "PgDn"}


def key_label(key: str) -> str:
    """`ctrl+t` -> `Ctrl+T`, `question_mark` -> `?`, `f1` -> `F1`, `enter` -> `Enter`, `s` -> `s`."""

    *modifiers, last = key.split("+")
    if last in KEY_NAMES:
        last = KEY_NAMES[last]
    elif len(last) == 1:
        last = last.upper() if modifiers else last
    else:
        last = last.upper() if last[0] == "f" and last[1:].isdigit() else last.capitalize()
    return "+".join([*(m.capitalize() for m in modifiers), last])


@dataclass
class ScreenAction:
    """One thing the user can do on a screen, with every key that does it."""

    description: str
    action: str
    node: DOMNode
    keys: list[str] = field(default_factory=list)
    enabled: bool = True


def screen_actions(screen: Screen) -> list[ScreenAction]:
    """The screen's and the app's own actions (not a widget's cursor keys) that the footer shows."""
    found: dict[tuple[str, str], ScreenAction] = {}
    shown: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not isinstance(active.node, (Screen, App)):
            continue
        ident = (binding.action, binding.description)
        entry = found.setdefault(ident, ScreenAction(binding.description, binding.action, active.node))
        entry.keys.append(key_label(key))
        entry.enabled = entry.enabled and active.enabled
        if binding.show:
            shown.add(ident)
    return [entry for ident, entry in found.items() if ident in shown]


def help_text(screen: Screen) -> Text:
    """The screen's purpose and its keys, read from the bindings that are active now."""
    text = Text()
    about = ABOUT.get(type(screen).__name__)
    if about:
        text.append(about + "\n\n")
    text.append("Keys\n", style="bold underline")
    for entry in screen_actions(screen):
        text.append(f"{' / '.join(entry.keys):>12}  ", style="bold")
        text.append(entry.description + ("" if entry.enabled else " (not now)") + "\n")
    text.append(f"{'Ctrl+P':>12}  ", style="bold")
    text.append("Command palette: every action by name\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide for the screen underneath."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, screen: Screen):
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as box:
            box.border_title = "Help"
            box.border_subtitle = "Esc closes"
            yield Static(help_text(self.for_screen), id="help-text")
