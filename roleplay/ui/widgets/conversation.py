"""The conversation: the client's and the rep's turns, with the client's reply filling in as it streams."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


class Utterance(Static):
    """One turn. The client's turn can grow chunk by chunk while it streams."""

    def __init__(self, speaker: str, name: str, text: str = ""):
        super().__init__(classes=f"utterance {speaker}")
        self.speaker = speaker
        self.speaker_name = name
        self.text = text

    def on_mount(self) -> None:
        self._refresh_text()

    def _refresh_text(self) -> None:
        body = Text()
        body.append(self.speaker_name, style="bold")
        body.append("\n")
        body.append(self.text or "…", style="" if self.text else "dim")
        self.update(body)
        if isinstance(self.parent, Conversation):
            self.parent._follow()

    def append(self, chunk: str) -> None:
        self.text += chunk
        self._refresh_text()

    def set_text(self, text: str) -> None:
        self.text = text
        self._refresh_text()


class Conversation(VerticalScroll):
    """The call so far, scrolled to the newest turn as it arrives."""

    def _follow(self) -> None:
        self.call_after_refresh(self.scroll_end, animate=False)

    def add_turn(self, speaker: str, name: str, text: str = "") -> Utterance:
        utterance = Utterance(speaker, name, text)
        self.mount(utterance)
        self._follow()
        return utterance

    def add_aside(self, text: str, kind: str = "hint") -> Static:
        """A line that is not part of the call: a hint, or a notice that the call ended."""
        aside = Static(Text(text), classes=f"aside {kind}")
        self.mount(aside)
        self._follow()
        return aside
