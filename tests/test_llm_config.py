"""Choosing a model: flags over environment over the config file; keys never in the file; a lazy import."""

import os
import subprocess
import sys

import pytest
from llm_server import FakeLLMServer

from roleplay.llm.config import load_config
from roleplay.llm.doctor import doctor
from roleplay.llm.errors import LLMConfigError


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"

    def write(text: str):
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_no_configuration_means_the_offline_engine():
    cfg = load_config()
    assert cfg.model is None and cfg.timeout == 60


def test_flags_win_over_environment_over_the_file(config_file, monkeypatch):
    config_file('model = "openai/from-file"\napi_base = "http://file/v1"\njudge_model = "openai/judge"\ntimeout = 12\n')
    assert load_config().model == "openai/from-file"
    monkeypatch.setenv("ROLEPLAY_MODEL", "openai/from-env")
    cfg = load_config()
    assert (cfg.model, cfg.api_base, cfg.judge_model, cfg.timeout) == ("openai/from-env", "http://file/v1",
                                                                      "openai/judge", 12)
    assert cfg.sources["model"] == "ROLEPLAY_MODEL"
    cfg = load_config(model="openai/from-flag", api_base="http://flag/v1")
    assert (cfg.model, cfg.api_base, cfg.sources["model"]) == ("openai/from-flag", "http://flag/v1", "command line")


def test_a_key_in_the_config_file_is_refused_with_the_reason(config_file):
    path = config_file('model = "openai/gpt-4o-mini"\napi_key = "sk-not-here"\n')
    with pytest.raises(LLMConfigError) as caught:
        load_config()
    assert str(caught.value) == (f"{path}: api_key: keys are not read from the config file; set the provider's "
                                 "environment variable instead (e.g. OPENAI_API_KEY)")


@pytest.mark.parametrize("text, message", [
    ('model = "openai/x"\ntimout = 3\n', "timout: Extra inputs are not permitted"),
    ("timeout = -1\n", "timeout: Input should be greater than 0"),
    ("model = openai/x\n", "invalid TOML"),
])
def test_a_bad_config_file_is_one_line_naming_the_file_and_field(config_file, text, message):
    path = config_file(text)
    with pytest.raises(LLMConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_help_does_not_import_litellm():
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "roleplay", "--help"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "roleplay" in imported and "litellm" not in imported and "jinja2" not in imported


def test_making_an_llm_engine_does_not_import_litellm_until_it_speaks():
    code = ("import sys; from roleplay.engines.factory import make_engine; "
            "e = make_engine('openai/x', 'http://127.0.0.1:9/v1', offline_fallback=True); "
            "print('litellm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_doctor_says_which_model_from_where_and_whether_it_answers():
    with FakeLLMServer() as server:
        server.enqueue("ok")
        lines = doctor("openai/test-model", server.api_base)
    assert lines[1] == "model:      openai/test-model (from command line)"
    assert "key:        OPENAI_API_KEY is set" in lines
    assert lines[-1].startswith("answers:    yes, in ") and lines[-1].endswith("('ok')")
    assert not any("test" in line.split("OPENAI_API_KEY")[-1] for line in lines if "key:" in line)


def test_doctor_without_a_model_points_at_the_offline_engine():
    lines = doctor(None, None)
    assert lines[-1].startswith("model:      none: calls use the offline scripted engine")


def test_doctor_reports_a_server_that_is_not_there():
    lines = doctor("openai/test-model", "http://127.0.0.1:9/v1")
    assert lines[-1] == "answers:    no: cannot reach http://127.0.0.1:9/v1: connection refused (is the server running?)"


def test_keys_are_redacted_from_error_details(monkeypatch):
    from roleplay.llm.exceptions import redact

    monkeypatch.setenv("ANTHROPIC_API_KEY", "ant-secret-123456789")
    text = "401: bad key ant-secret-123456789; also sk-abcdefghijklmnop was tried"
    assert redact(text) == "401: bad key ***; also sk-*** was tried"
