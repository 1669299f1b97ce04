"""The LLM engine: any litellm model voices the director's move in character, streamed and checked.

The director still decides every move. The model is shown the persona's public profile and voice, the
facts released so far, and the move with its scripted line as the intended content; it never sees an
unreleased disclosure. A reply that breaks character (see `roleplay.llm.character`) is retried once,
then replaced by the scripted line (`voiced_by="fallback"`, the reason in `Reply.note`).

Failures of the model call itself (timeout, refused connection, bad key, rate limit after backoff,
server error, broken stream) raise `LLMError` after the client's retries. The session has already
stored the rep's turn, so nothing is lost: the caller can retry (`CallSession.resume` re-voices a call
whose last turn is the rep's) or continue offline. `FallbackEngine` does the latter by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roleplay.director.moves import ClientMove
from roleplay.domain.persona import Persona
from roleplay.domain.transcript import Turn
from roleplay.engines.base import Engine, Reply
from roleplay.engines.scripted import ScriptedEngine
from roleplay.llm.character import CharacterBreak, ReplyGuard, ReplyRules, allowed_numbers
from roleplay.llm.client import ChatClient, RetryPolicy
from roleplay.llm.errors import LLMError

HISTORY_TURNS = 6
"""Earlier turns shown to the model verbatim; older ones live on only as the released facts."""
MAX_TURN_CHARS = 600
"""A pasted essay from the rep is cut to this in the prompt (it is still graded in full)."""
PROMPT_BUDGET = 1400
"""Estimated prompt tokens per client turn (see `estimate_tokens`); older turns are dropped above it."""
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LANGUAGES = {"en": "English", "zh": "Simplified Chinese (Mandarin), as spoken in mainland China"}
STICKY = {"auth", "not_found", "bad_model", "bad_request", "connection", "context"}
"""Failures that will not mend by themselves: FallbackEngine stays offline for the rest of the call."""


def public_persona(persona: Persona) -> dict:
    """Exactly what the model may know about the persona: no disclosures, lines or behaviour."""
    return {
        "name": persona.name,
        "title": persona.title,
        "company": persona.company,
        "public_profile": persona.public_profile,
        "voice": persona.voice,
    }


def released_facts(persona: Persona, history: list[Turn]) -> list[str]:
    """Texts of the disclosures already released in this call, in order."""
    ids = [i for t in history if t.speaker == "client" for i in t.released]
    known = {d.id: d.text for d in persona.disclosures}
    return [known[i] for i in dict.fromkeys(ids) if i in known]


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TURN_CHARS else text[: MAX_TURN_CHARS - 1] + "…"


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?。！？])\s*", text) if s.strip()])


def estimate_tokens(text: str) -> int:
    """A cheap, deliberately high token estimate (no tokenizer): a CJK character each, else 3.5 characters."""
    cjk = len(_CJK.findall(text))
    return int(cjk + (len(text) - cjk) / 3.5) + 1


def build_messages(persona: Persona, move: ClientMove, history: list[Turn], content: str) -> list[dict]:
    """The chat messages for one client turn: static persona system prompt first (cacheable), then recent
    turns, then the director's note with the rep's last words quoted as data.

    Facts released in turns still shown verbatim are not repeated in the note. When the estimate is over
    PROMPT_BUDGET (a long call with long turns), older turns are dropped; their facts stay in the note.
    """
    from roleplay.prompts.render import render

    first_name = persona.name.split()[0] if " " in persona.name else persona.name
    system = render("persona_system.j2", persona=public_persona(persona),
                    language=LANGUAGES.get(persona.language, persona.language))
    rep_said = None
    earlier = history
    if history and history[-1].speaker == "rep":
        rep_said, earlier = _clip(history[-1].text), history[:-1]
    situation = "The call has just connected." if move.kind == "opening" else "The rep is ending the call."
    for keep in range(min(HISTORY_TURNS, len(earlier)), -1, -1):
        shown, older = (earlier[-keep:], earlier[:-keep]) if keep else ([], earlier)
        note = render(
            "persona_turn.j2",
            kind=move.kind,
            rep_said=rep_said,
            situation=situation,
            facts_shared=released_facts(persona, older),
            content=content,
            releases=any(b.line == "disclosure" for b in move.beats),
            ends_call=move.ends_call,
            sentences=max(2, _sentences(content) + 1),
            first_name=first_name,
        )
        messages = _assemble(system, shown, note)
        if sum(estimate_tokens(m["content"]) + 4 for m in messages) <= PROMPT_BUDGET:
            break
    return messages


def _assemble(system: str, shown: list[Turn], note: str) -> list[dict]:
    turns = [{"role": "user" if t.speaker == "rep" else "assistant", "content": _clip(t.text)}
             for t in shown if t.text.strip()]
    if turns and turns[0]["role"] == "assistant":
        # Chat templates (Gemma, Llama) want the first turn after the system prompt to be the user's.
        turns.insert(0, {"role": "user", "content": "(The call connects.)"})
    messages = [{"role": "system", "content": system}]
    for m in [*turns, {"role": "user", "content": note}]:
        if messages[-1]["role"] == m["role"]:
            messages[-1] = {**messages[-1], "content": messages[-1]["content"] + "\n\n" + m["content"]}
        else:
            messages.append(m)
    return messages


def reply_rules(persona: Persona, move: ClientMove, history: list[Turn], content: str) -> ReplyRules:
    """What the reply to `move` must do: convey the facts it releases, add no numbers, stay short, and
    say goodbye only when the move ends the call."""
    facts = [persona.disclosure(b.disclosure).text for b in move.beats if b.line == "disclosure" and b.disclosure]
    sources = [content, persona.public_profile, persona.name, persona.company, *released_facts(persona, history),
               *(t.text for t in history)]
    cjk = persona.language == "zh"
    return ReplyRules(name=persona.name, facts=facts, allowed=allowed_numbers(sources),
                      max_chars=max(160 if cjk else 400, 3 * len(content)), ends_call=move.ends_call)


class LLMEngine:
    """Voices each move with a litellm model, streaming; falls back to the scripted line on a bad reply."""

    name = "litellm"

    def __init__(self, model: str, api_base: str | None = None, timeout: float | None = None, *,
                 temperature: float = 0.7, retry: RetryPolicy | None = None, client: ChatClient | None = None,
                 on_discard: Callable[[str], None] | None = None):
        self.model = model
        self.client = client or ChatClient(model, api_base, timeout, retry)
        self.temperature = temperature
        self.scripted = ScriptedEngine()
        self.on_discard = on_discard
        """Called with a reason when text already passed to `on_chunk` is withdrawn (the reply broke
        character or the stream broke after it started); the UI should clear the partial reply."""
        self.last_reply: Reply | None = None

    @property
    def api_base(self) -> str | None:
        return self.client.api_base

    def voice(self, persona: Persona, move: ClientMove, history: list[Turn], seed: int,
              on_chunk: Callable[[str], None] | None = None) -> Reply:
        content = self.scripted.voice(persona, move, history, seed).text
        messages = build_messages(persona, move, history, content)
        rules = reply_rules(persona, move, history, content)
        max_tokens = max(120, min(600, 2 * estimate_tokens(content) + 80))  # room to paraphrase, not to ramble
        breaks: list[str] = []
        for attempt in (1, 2):
            shown: list[str] = []
            guard = ReplyGuard(rules)

            def emit(text: str) -> None:
                if text:
                    shown.append(text)
                    if on_chunk:
                        on_chunk(text)

            def restart(err: LLMError) -> None:
                nonlocal guard
                self._withdraw(shown, f"the stream broke ({err.kind}); trying again")
                guard = ReplyGuard(rules)

            try:
                done = self.client.stream(messages, lambda piece: emit(guard.feed(piece)), on_retry=restart,
                                          max_tokens=max_tokens, temperature=self.temperature, seed=seed + len(history))
                if done.finish_reason == "length":
                    raise CharacterBreak("ran far too long (hit the token limit)")
                emit(guard.finish())
                note = f"first reply {breaks[0]}; the retry was fine" if breaks else ""
                return self._done(Reply(text=guard.final_text(), voiced_by="llm", note=note))
            except CharacterBreak as brk:
                breaks.append(brk.reason)
                self._withdraw(shown, f"the reply {brk.reason}")
                messages = _with_correction(messages, brk.reason, persona)
            except LLMError:
                self._withdraw(shown, "the model call failed")
                raise
        if on_chunk:
            on_chunk(content)
        note = f"the model's reply {breaks[0]}; the retry {breaks[1]}; used the scripted line"
        return self._done(Reply(text=content, voiced_by="fallback", note=note))

    def _withdraw(self, shown: list[str], reason: str) -> None:
        if shown and self.on_discard:
            self.on_discard(reason)
        shown.clear()

    def _done(self, reply: Reply) -> Reply:
        self.last_reply = reply
        return reply


def _with_correction(messages: list[dict], reason: str, persona: Persona) -> list[dict]:
    """The same request, with a word about what went wrong added to the director's note."""
    last = messages[-1]
    reason = reason.split(" (")[0]  # no quoted text or counts: they would only be echoed back
    fix = (f"\n(Your previous reply {reason}. Stay in character as {persona.name}, "
           "follow the note, and say only what it gives you.)")
    return [*messages[:-1], {**last, "content": last["content"].split("\n(Your previous reply")[0] + fix}]


class FallbackEngine:
    """An LLM engine that never stops a call: when the model fails, the scripted line is voiced instead.

    The reply is marked `voiced_by="fallback"` with the error in `note`. After a failure that will not
    mend by itself (bad key, unknown model, nothing listening) the rest of the call stays offline
    without waiting on the model again; a timeout, rate limit or server error is retried next turn.
    """

    def __init__(self, primary: LLMEngine, fallback: Engine | None = None):
        self.primary = primary
        self.fallback = fallback or ScriptedEngine()
        self.name = primary.name
        self.model = primary.model
        self.offline_reason: str | None = None
        self.last_error: LLMError | None = None
        self.last_reply: Reply | None = None

    def voice(self, persona: Persona, move: ClientMove, history: list[Turn], seed: int,
              on_chunk: Callable[[str], None] | None = None) -> Reply:
        if self.offline_reason is None:
            try:
                self.last_reply = self.primary.voice(persona, move, history, seed, on_chunk)
                return self.last_reply
            except LLMError as err:
                self.last_error = err
                note = f"offline: {err}"
                if err.kind in STICKY:
                    self.offline_reason = str(err)
                    note += "; the rest of this call is offline"
        else:
            note = f"offline for the rest of this call: {self.offline_reason}"
        reply = self.fallback.voice(persona, move, history, seed, on_chunk)
        self.last_reply = Reply(text=reply.text, voiced_by="fallback", note=note)
        return self.last_reply
