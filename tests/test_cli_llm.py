"""The model path from the command line, against a real OpenAI-compatible server on loopback."""

from __future__ import annotations

import pytest
from conftest import SCRIPTS
from llm_server import FakeLLMServer, Reply, echo_director

MODEL = "openai/test-model"


@pytest.fixture
def server():
    """This file's server plays a well-behaved persona model (it says what the director asks)."""
    with FakeLLMServer(responder=echo_director) as s:
        yield s


def test_chat_holds_a_call_with_a_model_and_streams_its_replies(cli, server):
    r = cli("chat", "--scenario", "path_3_power_holder", "--model", MODEL, "--api-base", server.api_base,
            stdin="So I don't waste your time, could I ask about your priorities first?\n")
    assert r.code == 0, r.err
    assert "Catherine Okafor: " in r.out and "Outcome:" in r.out
    assert len(server.requests) >= 2, "the opening and the reply were voiced by the model"
    assert all(req.body.get("stream") for req in server.requests)


def test_a_dead_server_does_not_stop_the_call(cli, server):
    server.enqueue(*[Reply(status=401)] * 3)
    r = cli("chat", "--scenario", "path_3_power_holder", "--model", MODEL, "--api-base", server.api_base,
            stdin="What are the biggest challenges in delivering the growth the board wants?\n")
    assert r.code == 0, r.err
    assert "voiced offline" in r.out and "API key" in r.out
    assert "Outcome:" in r.out


def test_run_with_a_model_keeps_the_directors_outcome(cli, server):
    r = cli("run", "--scenario", "path_3_power_holder", "--script", str(SCRIPTS / "path_3_power_holder_good.txt"),
            "--model", MODEL, "--api-base", server.api_base, "--json")
    assert r.code == 0, r.err
    assert r.json()["transcript"]["outcome"] == "advance"


def test_model_from_the_environment(cli, server, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_MODEL", MODEL)
    monkeypatch.setenv("ROLEPLAY_API_BASE", server.api_base)
    r = cli("chat", "--scenario", "path_3_power_holder", stdin="")
    assert r.code == 0 and server.requests


def test_doctor_says_which_model_and_whether_it_answers_and_never_prints_the_key(cli, server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-42")
    server.enqueue(Reply("ok"))
    r = cli("doctor", "--model", MODEL, "--api-base", server.api_base)
    assert r.code == 0
    assert MODEL in r.out and "answers:    yes" in r.out
    assert "sk-very-secret-42" not in r.out + r.err


def test_doctor_without_a_model_says_offline(cli):
    assert "offline" in cli("doctor").out
