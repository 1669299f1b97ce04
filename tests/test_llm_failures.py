"""Every way a model call fails gives one clear line, bounded retries, and loses nothing the rep said."""

import socket

import pytest
from llm_server import Reply

from roleplay.engines.factory import make_engine
from roleplay.engines.llm import FallbackEngine, LLMEngine
from roleplay.llm.client import ChatClient, RetryPolicy
from roleplay.llm.errors import LLMError
from roleplay.session import CallSession

MODEL = "openai/test-model"
OPENING = "Good morning. My assistant said you asked for twenty minutes; you have fifteen. Go ahead."


def engine_at(api_base: str, waits: list | None = None, timeout: float = 5, **kw) -> LLMEngine:
    """An engine whose back-off waits are recorded instead of slept, so the tests stay fast."""
    sleep = waits.append if waits is not None else (lambda s: None)
    return LLMEngine(MODEL, api_base, client=ChatClient(MODEL, api_base, timeout, RetryPolicy(), sleep=sleep), **kw)


def opening_error(library, engine) -> LLMError:
    with pytest.raises(LLMError) as caught:
        CallSession(library, "path_3_power_holder", engine=engine).start()
    return caught.value


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_timeout(library, server):
    server.enqueue(Reply(OPENING, delay=1.0))
    err = opening_error(library, engine_at(server.api_base, timeout=0.3))
    assert str(err) == "openai/test-model did not answer within 0.3 s"
    assert (err.kind, err.retryable, len(server.requests)) == ("timeout", True, 1)


def test_connection_refused(library):
    base = f"http://127.0.0.1:{closed_port()}/v1"
    err = opening_error(library, engine_at(base))
    assert str(err) == f"cannot reach {base}: connection refused (is the server running?) (tried 2 times)"
    assert err.kind == "connection"


def test_bad_key(library, server):
    server.enqueue(Reply(status=401))
    err = opening_error(library, engine_at(server.api_base))
    assert str(err) == f"{server.api_base} rejected the API key (401): check OPENAI_API_KEY"
    assert (err.retryable, len(server.requests)) == (False, 1)
    assert "test" not in err.detail.replace("test-model", "")  # the key is never echoed


def test_rate_limit_backs_off_honouring_retry_after_then_succeeds(library, server):
    waits = []
    server.enqueue(Reply(status=429, retry_after=0.25), Reply(status=429), Reply(OPENING))
    turn = CallSession(library, "path_3_power_holder", engine=engine_at(server.api_base, waits)).start()
    assert turn.text == OPENING and turn.voiced_by == "llm"
    assert waits == [0.25, 2.0]  # the server's Retry-After, then the policy's doubling back-off


def test_rate_limit_gives_up_after_a_bounded_number_of_tries(library, server):
    waits = []
    server.enqueue(*[Reply(status=429)] * 5)
    err = opening_error(library, engine_at(server.api_base, waits))
    assert str(err) == f"{server.api_base} is rate-limiting requests (429); wait a minute (tried 4 times)"
    assert waits == [1.0, 2.0, 4.0] and len(server.requests) == 4


def test_a_server_error_is_retried_once(library, server):
    server.enqueue(Reply(status=500), Reply(OPENING))
    assert CallSession(library, "path_3_power_holder", engine=engine_at(server.api_base)).start().text == OPENING
    server.enqueue(Reply(status=500), Reply(status=503))
    err = opening_error(library, engine_at(server.api_base))
    assert str(err) == f"{server.api_base} had a server error (503) (tried 2 times)"


@pytest.mark.parametrize("broken", [Reply(OPENING, truncate="abrupt"), Reply(OPENING, truncate="clean"),
                                    Reply(OPENING, garbage=True)], ids=["dropped", "unfinished", "garbage"])
def test_a_broken_stream_is_retried_once_then_reported(library, server, broken):
    server.enqueue(broken, Reply(OPENING))
    assert CallSession(library, "path_3_power_holder", engine=engine_at(server.api_base)).start().text == OPENING
    server.enqueue(broken, broken)
    err = opening_error(library, engine_at(server.api_base))
    assert str(err) == "the reply from openai/test-model broke off or was malformed mid-stream (tried 2 times)"
    assert err.kind == "bad_stream"


def test_text_shown_before_the_stream_broke_is_withdrawn(library, server):
    withdrawn = []
    long_line = OPENING + " I have read your note and I am curious what you want to show me today, so go on."
    server.enqueue(Reply(long_line, truncate="abrupt"), Reply(OPENING))
    chunks = []
    engine = engine_at(server.api_base, on_discard=withdrawn.append)
    turn = CallSession(library, "path_3_power_holder", engine=engine).start(on_chunk=chunks.append)
    assert withdrawn == ["the stream broke (bad_stream); trying again"]
    assert turn.text == OPENING and "".join(chunks).endswith(OPENING)


def test_the_reps_turn_is_stored_before_a_failure_and_the_reply_can_be_retried(library, server):
    saved = []
    store = type("Store", (), {"save": lambda self, t: saved.append(t.model_copy(deep=True))})()
    server.enqueue(OPENING)
    call = CallSession(library, "path_3_power_holder", engine=engine_at(server.api_base), store=store)
    call.start()
    server.enqueue(Reply(status=401))
    with pytest.raises(LLMError):
        call.send("Why is growth the board's priority this year?")
    assert saved[-1].turns[-1].speaker == "rep"
    assert saved[-1].turns[-1].text == "Why is growth the board's priority this year?"
    # "Retry": resuming the stored call voices the missing reply.
    server.enqueue("Noted.")
    resumed = CallSession.resume(library, saved[-1], engine=engine_at(server.api_base), store=store)
    assert [t.speaker for t in resumed.transcript.turns] == ["client", "rep", "client"]


def test_offline_fallback_voices_the_scripted_line_and_stays_offline_after_a_bad_key(library, server):
    server.enqueue(Reply(status=401))
    engine = make_engine(MODEL, server.api_base, timeout=5, offline_fallback=True)
    assert isinstance(engine, FallbackEngine)
    call = CallSession(library, "path_3_power_holder", engine=engine)
    chunks = []
    turn = call.start(on_chunk=chunks.append)
    assert turn.voiced_by == "fallback" and "".join(chunks) == turn.text
    assert turn.text in library.persona("busy_executive").lines.opening
    assert engine.last_reply.note.startswith(f"offline: {server.api_base} rejected the API key (401)")
    call.send("Why is growth the board's priority this year?")
    assert len(server.requests) == 1  # a bad key will not mend: no more waiting on the model this call


def test_offline_fallback_tries_the_model_again_after_a_timeout(library, server):
    engine = FallbackEngine(engine_at(server.api_base, timeout=0.3))
    server.enqueue(Reply(OPENING, delay=1.0), "Fine. Go on.")
    call = CallSession(library, "path_3_power_holder", engine=engine)
    assert call.start().voiced_by == "fallback"
    assert "did not answer within 0.3 s" in engine.last_reply.note
    turn = call.send("So I can suggest something relevant, may I first ask about your priorities?")
    assert turn.voiced_by == "llm"
