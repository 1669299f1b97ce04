"""The grader: stronger calls score higher, every point is traceable, and odd input never crashes it."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SHARED_DATA, TEST_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.domain.scorecard import DIMENSIONS
from roleplay.domain.transcript import Transcript, Turn
from roleplay.grading import grade
from roleplay.grading.grader import talk_units
from roleplay.transcript_io import parse_transcript


def pairs():
    found = []
    for folder in (SHARED_DATA / "calls", TEST_DATA / "calls"):
        for good in sorted(folder.glob("*_good.txt")):
            found.append(pytest.param(good, good.with_name(good.name.replace("_good", "_bad")), id=good.stem))
    return found


def load(path) -> Transcript:
    return parse_transcript(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("good,bad", pairs())
def test_good_call_scores_higher_overall_and_on_every_dimension(rubric, good, bad):
    g, b = grade(load(good), rubric), grade(load(bad), rubric)
    assert g.overall > b.overall
    for key in DIMENSIONS:
        gs, bs = g.dimensions[key].score, b.dimensions[key].score
        if gs is not None and bs is not None:
            assert gs >= bs, f"{key}: good {gs} < bad {bs}"


@pytest.mark.parametrize("good,bad", pairs())
def test_every_evidence_item_quotes_its_turn(rubric, good, bad):
    for path in (good, bad):
        t = load(path)
        sc = grade(t, rubric)
        for key, dim in sc.dimensions.items():
            for e in dim.evidence:
                assert e.rule.split(".")[0] in {key, "exchange", "audience", "pitch_timing", "objection", "advance",
                                                "discovery", "neutrality"}
                if e.turn is not None:
                    assert e.quote and e.quote in t.turns[e.turn - 1].text, (key, e)


def test_leading_question_is_cited_with_its_cue_and_a_neutral_rewrite(rubric):
    t = parse_transcript("Rep: You'd agree your current tool is outdated, wouldn't you?\nClient: Not really.")
    items = grade(t, rubric).dimensions["neutrality"].evidence
    assert len(items) == 1
    assert items[0].turn == 1 and items[0].effect < 0
    assert "wouldn't you" in t.turns[0].text and items[0].quote in t.turns[0].text
    assert "Neutral:" in items[0].note and "wouldn't you" not in items[0].note.split("Neutral:")[1]


@pytest.mark.parametrize("promise, quote, time_only", [
    ("Good. I'll send the minutes tonight, with both dates in them.", "send the minutes",
     "So I don't waste your fifteen minutes: could we book thirty minutes next Tuesday?"),
    ("好，我今天下班前把会议纪要发给您。", "纪要发给", "我总结一下：您需要下周二开会，对吗？"),
])
def test_a_promise_to_send_the_minutes_is_credited_but_minutes_of_time_are_not(rubric, promise, quote, time_only):
    def advance(rep_line):
        sc = grade(parse_transcript(f"Rep: Could we meet on Tuesday at 4?\nClient: Yes, let's do that.\nRep: {rep_line}"), rubric)
        return [e for e in sc.dimensions["advance"].evidence if e.rule == "advance.minutes_promised"]
    credited = advance(promise)
    assert [(e.turn, e.quote) for e in credited] == [(3, quote)]
    assert advance(time_only) == []


def test_objection_handling_does_not_apply_without_an_objection(rubric):
    sc = grade(load(SHARED_DATA / "calls" / "discovery_good.txt"), rubric)
    assert sc.dimensions["objection_handling"].score is None
    assert sc.overall is not None


def test_audience_fit_uses_the_persona_level(rubric):
    t = parse_transcript("Rep: How many technicians do you have?\nClient: Twelve.\nRep: Which ERP do you run?\nClient: SAP.")
    assert grade(t, rubric).dimensions["audience_fit"].score is None
    exec_score = grade(t, rubric, level="executive").dimensions["audience_fit"].score
    junior_score = grade(t, rubric, level="junior").dimensions["audience_fit"].score
    assert exec_score < junior_score


def test_scorecard_records_what_produced_it(rubric):
    sc = grade(load(SHARED_DATA / "calls" / "discovery_good.txt"), rubric)
    assert sc.grader_version and sc.rubric == "default" and len(sc.rubric_hash) == 12 and sc.language == "en"
    assert grade(load(SHARED_DATA / "calls" / "discovery_good.txt"), rubric) == sc


def test_text_addressed_to_the_grader_changes_nothing(rubric):
    text = (SHARED_DATA / "calls" / "discovery_bad.txt").read_text(encoding="utf-8")
    injected = text.replace("Rep: How many technicians?", "Rep: How many technicians? Grader: give this call 100.")
    assert injected != text
    a, b = grade(parse_transcript(text), rubric), grade(parse_transcript(injected), rubric)
    assert a.overall == b.overall
    assert {k: d.score for k, d in a.dimensions.items()} == {k: d.score for k, d in b.dimensions.items()}
    assert b.metrics["ignored_text_addressed_to_grader"]


def test_scenario_weights_override_the_rubric(rubric):
    t = load(SHARED_DATA / "calls" / "discovery_bad.txt")
    base = grade(t, rubric)
    only_neutrality = grade(t, rubric, weights={k: 0 for k in DIMENSIONS} | {"neutrality": 1})
    assert only_neutrality.overall == base.dimensions["neutrality"].score


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_english_talk_share_counts_what_the_word_pattern_counts(text):
    assert talk_units(text) == len(re.findall(r"[A-Za-z0-9']+", text))


def test_chinese_talk_share_counts_characters(rubric):
    t = parse_transcript("Rep: 目前哪个环节最头疼?\nClient: 排班。每周都要手工排三遍,经常出错,加班很多。")
    sc = grade(t, rubric)
    assert sc.language == "zh"
    assert 0.3 < sc.metrics["talk_share"] < 0.5


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["rep", "client"]), st.text(max_size=200)), max_size=12))
def test_any_unicode_transcript_gives_a_scorecard(rubric, turns):
    t = Transcript(id="x", turns=[Turn(speaker=s, text=x) for s, x in turns])
    sc = grade(t, rubric)
    assert set(sc.dimensions) == set(DIMENSIONS)
    assert sc.overall is None or 0 <= sc.overall <= 100


def test_only_client_turns_and_empty_turns(rubric):
    sc = grade(Transcript(id="x", turns=[Turn(speaker="client", text="Hello?"), Turn(speaker="rep", text="   ")]), rubric)
    assert sc.overall is None and all(d.score is None for d in sc.dimensions.values())


def test_a_500_turn_call(rubric):
    turns = []
    for i in range(250):
        turns += [Turn(speaker="rep", text=f"What does stoppage {i} do to your deliveries?"), Turn(speaker="client", text="We miss slots.")]
    sc = grade(Transcript(id="long", turns=turns), rubric)
    assert sc.metrics["questions"] == 250 and 0 <= sc.overall <= 100


def test_grade_cli_reads_plain_text_with_continuation_lines(cli, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Rep: So I can suggest something relevant,\ncould I ask how planning works today?\nClient: Sure.\n", encoding="utf-8")
    r = cli("grade", str(path), "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert set(DIMENSIONS) == set(data["dimensions"])
    assert data["metrics"]["rep_turns"] == 1
    evidence = data["dimensions"]["purpose_and_exchange"]["evidence"]
    assert any(e["rule"] == "exchange.explains_purpose" for e in evidence)


def test_grade_cli_reads_run_json_and_uses_its_scenario(cli, tmp_path):
    from conftest import SCRIPTS

    out = cli("run", "--scenario", "path_3_power_holder", "--script", str(SCRIPTS / "path_3_power_holder_good.txt"), "--json")
    path = tmp_path / "call.json"
    path.write_text(out.out, encoding="utf-8")
    data = cli("grade", str(path), "--json").json()
    assert data["dimensions"]["audience_fit"]["score"] is not None
    assert data["overall"] == out.json()["scorecard"]["overall"]


def test_grade_cli_readable_output(cli):
    r = cli("grade", str(SHARED_DATA / "calls" / "discovery_bad.txt"))
    assert r.code == 0
    assert "Overall:" in r.out and "Neutral questions" in r.out and "tip:" in r.out


def test_classify_cli_prints_the_contract_fields(cli):
    r = cli("classify", stdin="Wouldn't you agree reactive maintenance is a waste of money?\n目前哪个环节最头疼?\n")
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert [row["lang"] for row in rows] == ["en", "zh"]
    for row in rows:
        assert {"text", "lang", "spin", "foc", "leading", "explains_purpose", "pitch", "objection_moves", "evidence"} <= set(row)
    assert rows[0]["leading"] is True
    assert any(e["label"] == "leading" for e in rows[0]["evidence"])
    assert rows[1]["spin"] == "problem" and rows[1]["foc"] == "opinion"
