"""Bad input gets one clear line naming the file and the field, a non-zero exit, no traceback, nothing lost."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, SCRIPTS, home_snapshot, write_script


@pytest.fixture
def stored_call(cli, isolated_home):
    r = cli("run", "--scenario", "path_1_acceptor", "--script", str(SCRIPTS / "path_1_acceptor_good.txt"))
    assert r.code == 0
    return home_snapshot(isolated_home)


def assert_clear_error(result, *must_contain: str):
    assert result.code != 0
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for text in must_contain:
        assert text in lines[0], lines[0]


def test_unknown_scenario(cli, stored_call, isolated_home, tmp_path):
    path = write_script(tmp_path, ["Hello"])
    r = cli("run", "--scenario", "no_such_scenario", "--script", path)
    assert_clear_error(r, "no_such_scenario", "path_1_acceptor")
    assert home_snapshot(isolated_home) == stored_call


def test_empty_script(cli, stored_call, isolated_home, tmp_path):
    path = write_script(tmp_path, ["", "   ", ""])
    assert_clear_error(cli("run", "--scenario", "path_1_acceptor", "--script", path), path, "no rep turns")
    assert home_snapshot(isolated_home) == stored_call


def test_missing_and_unreadable_script(cli, tmp_path):
    assert_clear_error(cli("run", "--scenario", "path_1_acceptor", "--script", str(tmp_path / "nope.txt")), "nope.txt")
    assert_clear_error(cli("run", "--scenario", "path_1_acceptor", "--script", str(tmp_path)), "directory")


def test_non_utf8_script(cli, tmp_path, stored_call, isolated_home):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Qu'est-ce qui coûte le plus cher ?\n".encode("latin-1"))
    assert_clear_error(cli("run", "--scenario", "path_1_acceptor", "--script", str(path)), "latin1.txt", "UTF-8")
    assert home_snapshot(isolated_home) == stored_call


def content_with_broken_persona(tmp_path, mutate) -> str:
    content = tmp_path / "content"
    (content / "personas").mkdir(parents=True)
    text = (ROOT / "personas" / "junior_acceptor.yaml").read_text(encoding="utf-8")
    (content / "personas" / "junior_acceptor.yaml").write_text(mutate(text), encoding="utf-8")
    return str(content)


@pytest.mark.parametrize("mutate,field", [
    (lambda t: t.replace("public_profile:", "public_profil:"), "public_profil"),
    (lambda t: t.replace("patience: 6", "patience: plenty"), "behaviour.patience"),
    (lambda t: t.replace("\nrole: acceptor", "\nrole: intern"), "role"),
    (lambda t: t + "\n  - [unclosed\n", "invalid YAML"),
])
def test_malformed_persona_file(cli, tmp_path, stored_call, isolated_home, mutate, field):
    content = content_with_broken_persona(tmp_path, mutate)
    r = cli("--content", content, "run", "--scenario", "path_1_acceptor", "--script", str(SCRIPTS / "path_1_acceptor_good.txt"))
    assert_clear_error(r, "junior_acceptor.yaml", field)
    assert home_snapshot(isolated_home) == stored_call
    assert_clear_error(cli("validate", content), "junior_acceptor.yaml", field)


def test_missing_required_field(cli, tmp_path):
    def drop_voice(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("voice:"))

    content = content_with_broken_persona(tmp_path, drop_voice)
    assert_clear_error(cli("validate", content), "junior_acceptor.yaml", "voice", "Field required")


def test_validate_passes_on_shipped_content(cli):
    r = cli("validate")
    assert r.code == 0, r.err
    assert "personas" in r.out and "scenarios" in r.out


def test_validate_a_single_shipped_file(cli):
    r = cli("validate", str(ROOT / "scenarios" / "path_1_acceptor.yaml"))
    assert r.code == 0 and "ok" in r.out


def test_user_content_directory_adds_a_scenario(cli, tmp_path):
    content = tmp_path / "content" / "scenarios"
    content.mkdir(parents=True)
    shutil.copy(ROOT / "scenarios" / "path_1_acceptor.yaml", content / "my_drill.yaml")
    text = (content / "my_drill.yaml").read_text(encoding="utf-8").replace("id: path_1_acceptor", "id: my_drill")
    (content / "my_drill.yaml").write_text(text, encoding="utf-8")
    rows = cli("--content", str(tmp_path / "content"), "list", "scenarios", "--json").json()
    assert "my_drill" in {r["id"] for r in rows}


def test_template_syntax_in_content_is_plain_text(cli, tmp_path):
    content = content_with_broken_persona(
        tmp_path, lambda t: t.replace("lines:\n  opening:\n", "lines:\n  opening:\n    - \"{{ 7*7 }} {% raw %} hello\"\n", 1)
    )
    from roleplay.content import load_library

    lib = load_library(content)
    assert "{{ 7*7 }}" in lib.persona("junior_acceptor").lines.opening[0]


def test_grade_rejects_a_text_file_without_prefixes(cli, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("hello there\nRep: hi\n", encoding="utf-8")
    assert_clear_error(cli("grade", str(path)), "call.txt", "line 1")


def test_grade_rejects_json_with_a_bad_field(cli, tmp_path):
    path = tmp_path / "call.json"
    path.write_text('{"turns": [{"speaker": "buyer", "text": "hi"}]}', encoding="utf-8")
    assert_clear_error(cli("grade", str(path)), "call.json", "turns.0.speaker")
