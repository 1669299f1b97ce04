"""The store from the command line: export, import, resume an interrupted call, repair."""

from __future__ import annotations

import json

from conftest import SCRIPTS

from roleplay.content import load_library
from roleplay.session import CallSession
from roleplay.store import Store


def stored_call(cli) -> str:
    cli("run", "--scenario", "path_1_acceptor", "--script", str(SCRIPTS / "path_1_acceptor_good.txt"))
    return cli("list", "transcripts", "--json").json()[0]["id"]


def test_export_markdown_json_and_html(cli, tmp_path):
    call_id = stored_call(cli)
    md = cli("export", call_id).out
    assert f"# Call {call_id}" in md and "referral" in md
    data = json.loads(cli("export", call_id, "--format", "json").out)
    assert data["transcript"]["id"] == call_id and data["scorecard"]["overall"] is not None
    out = tmp_path / "call.html"
    assert cli("export", call_id, "--format", "html", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "<html" in html and "Tom" in html


def test_exported_json_grades_to_the_same_score(cli, tmp_path):
    call_id = stored_call(cli)
    path = tmp_path / "call.json"
    cli("export", call_id, "--format", "json", "-o", str(path))
    graded = cli("grade", str(path), "--json").json()
    assert graded["overall"] == json.loads(path.read_text())["scorecard"]["overall"]


def test_export_unknown_id_is_one_clear_line(cli):
    r = cli("export", "no-such-call")
    assert r.code == 1 and "no-such-call" in r.err and "Traceback" not in r.err


def test_import_moves_calls_between_stores_and_skips_duplicates(cli, tmp_path, monkeypatch):
    call_id = stored_call(cli)
    export = tmp_path / "all.json"
    cli("export", "--all", "-o", str(export))
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "trainer"))
    assert "imported 1 call" in cli("import", str(export)).out
    again = cli("import", str(export)).out
    assert "already stored" in again
    assert [r["id"] for r in cli("list", "transcripts", "--json").json()] == [call_id]


def test_an_interrupted_call_can_be_resumed(cli, isolated_home):
    lib = load_library()
    session = CallSession(lib, "path_3_power_holder", store=Store(isolated_home), seed=2)
    session.start()
    session.send("So I don't waste your time, I'd like to understand your priorities first, if that's all right.")
    call_id = session.transcript.id
    del session  # the process "dies" here: no end, no grade

    listing = cli("resume").out
    assert call_id in listing
    lines = "\n".join([
        "What are the biggest challenges in delivering the growth the board wants?",
        "What happens to the growth plan if that gap doesn't close?",
        "If the lines became predictable enough to close part of that gap, how would that help you with the board?",
        "Could we put a half-day review at Corby in the diary for next Tuesday?",
    ]) + "\n"
    r = cli("resume", call_id, stdin=lines)
    assert r.code == 0, r.err
    assert "Outcome: advance" in r.out
    stored = Store(isolated_home).load(call_id)
    assert stored.outcome == "advance"
    assert sum(1 for t in stored.turns if t.speaker == "rep") == 5
    assert "No interrupted calls." in cli("resume").out


def test_repair_reports_a_healthy_store(cli):
    stored_call(cli)
    r = cli("repair")
    assert r.code == 0 and "nothing to repair" in r.out


def test_a_corrupt_index_is_reported_and_kept(cli, isolated_home):
    stored_call(cli)
    index = isolated_home / "index.json"
    index.write_bytes(b'{"calls": {"1": {"id": "trunc')
    r = cli("list", "transcripts")
    assert r.code == 1 and "index.json" in r.err and "Traceback" not in r.err
    assert index.read_bytes() == b'{"calls": {"1": {"id": "trunc'
    ro = cli("list", "transcripts", "--read-only", "--json")
    assert ro.code == 0 and len(ro.json()) == 1
