"""A one-line score: label, a bar that fills to the score, the number, and an optional weight or override."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


def score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    if score >= 70:
        return "green"
    if score >= 40:
        return "yellow"
    return "red"


class ScoreBar(Widget):
    """`Discovery (SPIN/FOC)  ████████████░░░░░░  76  25%`, sized to the widget's width."""

    DEFAULT_CSS = """
    ScoreBar { height: 1; }
    """

    def __init__(self, label: str, score: float | None, note: str = "", *, label_width: int = 21,
                 note_width: int = 4, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.label = label
        self.score = score
        self.note = note
        self.label_width = label_width
        self.note_width = note_width

    def render(self) -> Text:
        number = "n/a" if self.score is None else f"{self.score:.0f}"
        tail = f" {number:>3} {self.note:>{self.note_width}}"
        bar_width = max(4, self.size.width - self.label_width - 1 - len(tail))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{self.label:<{self.label_width}.{self.label_width}} ")
        if self.score is None:
            text.append("·" * bar_width, style="dim")
        else:
            filled = round(self.score / 100 * bar_width)
            text.append("█" * filled, style=score_style(self.score))
            text.append("░" * (bar_width - filled), style="dim")
        text.append(tail, style="bold" if self.score is not None else "dim")
        return text
