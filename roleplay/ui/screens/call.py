"""The call screen: talk to the client, with the analyser's read of each turn beside you in practice mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from roleplay.errors import RoleplayError
from roleplay.ui.messages import CallFailed, ClientReplied
from roleplay.ui.widgets.coach_panel import CoachPanel
from roleplay.ui.widgets.conversation import Conversation, Utterance

if TYPE_CHECKING:
    from roleplay.session import CallSession
    from roleplay.ui.backend import Backend

_END = object()
"""Sent to the turn worker instead of text when the rep ends the call."""


def call_over_text(outcome: str | None, rep_ended: bool, client: str) -> str:
    """One sentence saying who ended the call and how it went."""
    if outcome == "advance":
        return f"{client} agreed a next step."
    if outcome == "referral":
        return f"{client} referred you to a colleague."
    if outcome == "ended_early":
        return f"{client} ended the call early."
    return ("You ended the call" if rep_ended else f"{client} closed the call") + " with no next step agreed."


class CallScreen(Screen):
    """One call with a simulated client."""

    BINDINGS = [
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("ctrl+o", "set_mode('assessment')", "Assessment mode", priority=True),
        Binding("ctrl+o", "set_mode('practice')", "Practice mode", priority=True),
        Binding("ctrl+l", "end_call", "End call", priority=True),
        Binding("enter", "scorecard", "Scorecard", priority=True),
        Binding("pageup", "scroll('page_up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Scroll down", show=False),
    ]

    mode: reactive[str] = reactive("practice")
    busy: reactive[bool] = reactive(False)

    def __init__(self, backend: Backend, session: CallSession, mode: str = "practice"):
        super().__init__()
        self.backend = backend
        self.session = session
        self.set_reactive(CallScreen.mode, mode)
        self._pending: Utterance | None = None
        self._rep_ended = False
        self._finished = False

    @property
    def client_name(self) -> str:
        return self.session.persona.name

    def compose(self) -> ComposeResult:
        p = self.session.persona
        yield Header()
        yield Static(Text.assemble((p.name, "bold"), f", {p.title}, {p.company}"), id="call-who")
        with Horizontal(id="call-body"):
            yield Conversation(id="conversation")
            yield CoachPanel(id="coach")
        yield Static(id="call-over")
        yield Button("See your scorecard", id="to-scorecard", variant="primary")
        yield Input(placeholder=f"Say something to {p.name.split()[0]}… (Enter sends)", id="say")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.session.scenario.title
        self.query_one("#conversation", Conversation).can_focus = False
        self.query_one("#call-over").display = False
        self.query_one("#to-scorecard").display = False
        self._apply_mode()
        conversation = self.query_one("#conversation", Conversation)
        for turn in self.session.transcript.turns:  # a resumed call shows what was said
            conversation.add_turn(turn.speaker, self._speaker(turn.speaker), turn.text)
        self._update_coach()
        self.query_one("#say", Input).focus()
        if not self.session.transcript.turns:
            self._pending = conversation.add_turn("client", self.client_name)
            self.busy = True
            self._take_turn(None)

    def _speaker(self, speaker: str) -> str:
        return self.client_name if speaker == "client" else "You"

    # -- modes -----------------------------------------------------------------------------------

    def watch_mode(self) -> None:
        if self.is_mounted:
            self._apply_mode()

    def _apply_mode(self) -> None:
        practice = self.mode == "practice"
        self.sub_title = "practice" if practice else "assessment"
        self.query_one("#coach").display = practice
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ended = self.session.ended
        if action == "set_mode":
            return not ended and parameters[0] != self.mode
        if action == "hint":
            return False if ended else (self.mode == "practice" or None)
        if action == "end_call":
            return not ended
        if action == "scorecard":
            return ended
        return True

    def action_set_mode(self, mode: str) -> None:
        self.mode = mode
        self.notify("Practice mode: the coach panel and hints are back." if mode == "practice"
                    else "Assessment mode: no coaching until the scorecard.", timeout=3)

    # -- the rep's turn ----------------------------------------------------------------------------

    @on(Input.Submitted, "#say")
    def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.session.ended:
            return
        if self.busy:
            self.notify(f"{self.client_name} is still speaking.", severity="warning", timeout=2)
            return
        event.input.value = ""
        conversation = self.query_one("#conversation", Conversation)
        conversation.add_turn("rep", "You", text)
        self._pending = conversation.add_turn("client", self.client_name)
        self.busy = True
        self._take_turn(text)

    def action_end_call(self) -> None:
        if self.busy or self.session.ended:
            return
        self._rep_ended = True
        self._pending = self.query_one("#conversation", Conversation).add_turn("client", self.client_name)
        self.busy = True
        self._take_turn(_END)

    def action_hint(self) -> None:
        if not self.busy:
            self.query_one("#conversation", Conversation).add_aside(f"Hint: {self.session.hint()}", "hint")

    def action_scroll(self, where: str) -> None:
        conversation = self.query_one("#conversation", Conversation)
        conversation.scroll_page_up() if where == "page_up" else conversation.scroll_page_down()

    @work(thread=True, exclusive=True, group="call")
    def _take_turn(self, text: str | object | None) -> None:
        """Runs in a thread: the engine may block on a model. Chunks reach the screen as they arrive."""

        def on_chunk(chunk: str) -> None:
            self.app.call_from_thread(self._show_chunk, chunk)

        # An LLM engine may withdraw text it already streamed (the reply broke character): clear it.
        engine = getattr(self.session.engine, "primary", self.session.engine)
        if hasattr(engine, "on_discard"):
            engine.on_discard = lambda reason: self.app.call_from_thread(self._discard_chunks)
        try:
            if text is None:
                turn = self.session.start(on_chunk=on_chunk)
            elif text is _END:
                turn = self.session.end()
            else:
                turn = self.session.send(text, on_chunk=on_chunk)
        except RoleplayError as exc:
            self.post_message(CallFailed(str(exc)))
            return
        except Exception as exc:  # an engine failure must not take the call (or the app) down
            self.post_message(CallFailed(f"the client could not reply ({type(exc).__name__}: {exc})"))
            return
        self.post_message(ClientReplied(turn, self.session.ended))

    def _show_chunk(self, chunk: str) -> None:
        if self._pending is not None:
            self._pending.append(chunk)

    def _discard_chunks(self) -> None:
        if self._pending is not None:
            self._pending.set_text("")

    # -- the client's reply ------------------------------------------------------------------------

    def on_client_replied(self, message: ClientReplied) -> None:
        if self._pending is not None:
            if message.turn is not None:
                self._pending.set_text(message.turn.text)
            else:
                self._pending.remove()
            self._pending = None
        self.busy = False
        self._update_coach()
        if message.turn is not None and message.turn.voiced_by == "fallback":
            note = getattr(getattr(self.session.engine, "last_reply", None), "note", "") or "the model's reply was replaced"
            self.notify(f"Voiced offline: {note}", title="Model", severity="warning", timeout=6)
        if message.ended:
            self._show_call_over()
        self.refresh_bindings()

    def on_call_failed(self, message: CallFailed) -> None:
        if self._pending is not None:
            self._pending.remove()
            self._pending = None
        self.busy = False
        self._rep_ended = False
        self.notify(message.error, title="Turn not sent", severity="error", timeout=8)

    def _update_coach(self) -> None:
        s = self.session
        self.query_one("#coach", CoachPanel).show(s.last_labels, s.director.state, s.last_move, self.client_name)

    def _show_call_over(self) -> None:
        over = Text()
        over.append("Call over. ", style="bold")
        over.append(call_over_text(self.session.outcome, self._rep_ended, self.client_name))
        over.append(" Press Enter for your scorecard.")
        move = self.session.last_move
        failed = self.session.outcome not in self.session.scenario.success
        if failed and not self._rep_ended and move is not None and move.reason and self.mode == "practice":
            over.append(f"\nWhy: {move.reason}", style="italic")
        status = self.query_one("#call-over", Static)
        status.update(over)
        status.display = True
        self.query_one("#say").display = False
        button = self.query_one("#to-scorecard", Button)
        button.display = True
        button.focus()

    @on(Button.Pressed, "#to-scorecard")
    def action_scorecard(self) -> None:
        if not self.session.ended or self._finished:
            return
        try:
            self.backend.finish(self.session)
        except RoleplayError as exc:  # e.g. the store is locked by another process: let the rep try again
            self.notify(str(exc), title="Scorecard not saved", severity="error", timeout=10)
            return
        self._finished = True
        self.app.show_scorecard(self.session.transcript.id, replace=True)
