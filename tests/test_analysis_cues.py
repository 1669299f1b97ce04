"""The utterance analyser as a rep meets it: what gets flagged, what does not, and the cue it quotes.

The last tests load every labelled row (the shared dev set and our own set) and hold the per-language
targets, so a cue edit that trades one language or one label for another fails here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from roleplay.analysis import analyse

ROOT = Path(__file__).resolve().parent.parent


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _load_bench()
SETS = BENCH.TUNED_SETS
_rows = BENCH.read_rows


def _evidence(labels, label):
    return [e for e in labels.evidence if e.label == label]


# --- leading questions ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, quoted", [
    ("Your current vendor's support is pretty poor, isn't it?", ["isn't it"]),
    ("You'd agree the reporting is slow, wouldn't you?", ["You'd agree", "wouldn't you"]),
    ("现在的报表流程挺慢的，对吧？", ["对吧"]),
    ("停机肯定影响利润，是不是？", ["是不是"]),
])
def test_a_tag_question_is_flagged_and_its_cue_quoted(text, quoted):
    labels = analyse(text)
    assert labels.leading and labels.leading_kind == "tag_question"
    cited = _evidence(labels, "leading")
    assert cited and cited[0].cue
    assert any(q in cited[0].span for q in quoted), cited[0].span
    for e in cited:
        assert text[e.start:e.end] == e.span


@pytest.mark.parametrize("text", [
    "So the approvals sit with the CFO and usually take about two weeks, right?",
    "Just to check I've understood: the main issue is weekend overbooking, right?",
    "Let me play that back: drivers print the manifests and dispatch re-keys them. Is that right?",
    "你们有三个院区，每个院区各有一套排班表，对吗？",
    "我确认一下：排班是手工做的，报表会晚一周左右，对吗？",
    "我确认一下我理解得对不对：主要问题是周末超订，对吧？",
])
def test_a_check_of_understanding_is_neither_leading_nor_a_discovery_question(text):
    labels = analyse(text)
    assert not labels.leading
    assert labels.spin is None


def test_the_same_tag_without_a_summary_is_leading():
    assert analyse("你们的排班工具挺难用的，对吧？").leading
    assert analyse("That backlog must be hurting you, right?").leading


@pytest.mark.parametrize("text", [
    "Does everyone on the night shift have access to the booking system?",  # the client's own team
    "Are you the right person to ask about the IT budget?",                  # "right" is not a tag
    "Which reports don't arrive on time?",                                   # negation inside a neutral question
    "大家平时用什么工具沟通？",
    "我们先从排班聊起吧。",                                                    # 吧 in a suggestion
    "哪些门店还没有接入会员系统？",
])
def test_hard_negatives_are_not_leading(text):
    assert not analyse(text).leading


def test_leading_questions_keep_their_spin_type():
    assert analyse("Surely those delays are driving your customers to competitors?").spin == "implication"
    assert analyse("Don't you want your drivers home on time every night?").spin == "need_payoff"
    assert analyse("难道开发人员手动部署不浪费时间吗？").spin == "problem"


# --- neutral rewrite -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, banned", [
    ("You'd agree your current tool is outdated, wouldn't you?", ["wouldn't you", "agree", "outdated"]),
    ("This downtime must be killing your margins, right?", ["right", "must", "killing"]),
    ("Everyone in retail is fed up with manual stock counts, and I'm guessing you are too?", ["everyone", "guessing"]),
    ("Isn't the legacy core banking system holding you back?", ["isn't", "holding you back"]),
    ("停机肯定严重影响利润,是不是?", ["是不是", "肯定"]),
    ("你们还在用那套老掉牙的系统吧？", ["老掉牙", "吧"]),
    ("大家都受不了手工盘点，您也一样吧？", ["大家都", "吧"]),
    ("难道您不希望司机每天都能准点下班吗？", ["难道", "不希望"]),
])
def test_the_neutral_rewrite_drops_the_tag_and_the_loaded_words(text, banned):
    labels = analyse(text)
    assert labels.leading
    rewrite = labels.neutral_rewrite
    assert rewrite and rewrite.rstrip().endswith(("?", "？"))
    for word in banned:
        assert word.lower() not in rewrite.lower(), rewrite
    for e in _evidence(labels, "leading"):
        assert e.span.strip(" ,，?？").lower() not in rewrite.lower()
    assert not analyse(rewrite, labels.lang).leading, rewrite


def test_the_neutral_rewrite_reads_as_a_question_on_the_same_topic():
    assert analyse("You'd agree your current tool is outdated, wouldn't you?").neutral_rewrite == (
        "How well is your current tool working for you?")
    assert analyse("停机肯定严重影响利润,是不是?").neutral_rewrite == "停机对利润有什么影响？"


def test_every_leading_row_gets_a_rewrite_that_is_not_leading():
    for path in SETS:
        if not path.exists() or "utterances" not in path.name:
            continue
        for row in _rows(path):
            labels = analyse(row["text"], row["lang"])
            if labels.leading:
                assert labels.neutral_rewrite
                assert not analyse(labels.neutral_rewrite, row["lang"]).leading, (row["text"], labels.neutral_rewrite)


# --- purpose, SPIN scope, pitch ------------------------------------------------------------------

def test_a_purpose_clause_does_not_colour_the_spin_type():
    labels = analyse("To make sure we don't waste your time, could you tell me who else will be involved in the decision?")
    assert labels.explains_purpose and labels.spin == "situation"
    labels = analyse("这个问题跟后面的实施计划有关，所以想问一下，你们的IT团队有几个人？")
    assert labels.explains_purpose and labels.spin == "situation"


def test_a_question_about_a_shared_case_takes_the_case_difficulty():
    labels = analyse("At a firm like yours, time entries kept getting lost at month end. Does anything like that happen here?")
    assert labels.spin == "problem" and not labels.pitch and not labels.explains_purpose


def test_pitch_is_a_statement_about_us_not_a_question_or_a_linked_benefit():
    assert analyse("Our platform syncs stock across two thousand stores in real time.").pitch
    assert analyse("我们的系统支持跟HIS无缝对接，开箱即用。").pitch
    assert not analyse("Would real-time stock sync help your store managers?").pitch
    assert not analyse("You mentioned overtime is the main issue; automatic rostering takes that off the table.").pitch


def test_small_talk_and_price_reactions_are_not_discovery_questions():
    for text in ("How was the drive in this morning?", "What do you think of the pricing we proposed?", "今天路上堵不堵？", "这个价格您觉得怎么样？"):
        assert analyse(text).spin is None, text


# --- objection moves -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, move", [
    ("If you sign for two years, we can lower the fee.", "conditional_concession"),
    ("We can extend the pilot at no charge, provided you agree to a case study.", "conditional_concession"),
    ("如果您能签三年，年费我可以再降百分之十。", "conditional_concession"),
    ("If you want, I can take 10% off.", "unconditional_concession"),
    ("If it helps, I'll drop the price to eighty thousand.", "unconditional_concession"),
    ("您要是想的话，我直接给您减百分之十。", "unconditional_concession"),
])
def test_a_concession_is_conditional_only_when_traded_for_something(text, move):
    moves = analyse(text).objection_moves
    assert move in moves
    other = {"conditional_concession": "unconditional_concession", "unconditional_concession": "conditional_concession"}[move]
    assert other not in moves


def test_an_if_in_a_probe_or_an_approver_question_is_not_a_concession():
    assert analyse("If that's the concern, who are you comparing us with?").objection_moves == ["probe"]
    assert analyse("If budget is the issue, who would I need to speak with?").objection_moves == ["ask_approver"]


def test_checking_with_my_own_manager_and_irritators_are_no_moves():
    assert analyse("Let me check with my manager and get back to you.").objection_moves == []
    assert analyse("It's a fair price for what you get.").objection_moves == []
    assert analyse("这已经是最低价了。").objection_moves == []


# --- evidence, speed, targets --------------------------------------------------------------------

def test_every_label_that_is_set_cites_a_cue_and_its_span():
    for path in SETS:
        if not path.exists():
            continue
        for row in _rows(path):
            labels = analyse(row["text"], row["lang"])
            for e in labels.evidence:
                assert e.cue and e.span == row["text"][e.start:e.end], (row["text"], e)
            for flag, label in (("leading", "leading"), ("explains_purpose", "explains_purpose"), ("pitch", "pitch")):
                if getattr(labels, flag):
                    assert _evidence(labels, label), (row["text"], flag)
            if labels.spin:
                assert any(e.value == labels.spin for e in _evidence(labels, "spin")), row["text"]
            for move in labels.objection_moves:
                assert any(e.value == move for e in _evidence(labels, "objection_move")), (row["text"], move)


@pytest.mark.parametrize("path", SETS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_per_language_targets_hold_on_every_labelled_row(path):
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared dev set lies beside the checkout only)")
    rows = _rows(path)
    for lang in sorted({r["lang"] for r in rows}):
        res = BENCH.evaluate([r for r in rows if r["lang"] == lang])
        if "spin_accuracy" in res:
            assert res["spin_accuracy"] >= 0.90, (lang, "spin", res["spin_accuracy"])
            for label in ("leading", "explains_purpose", "pitch"):
                assert res[label][2] >= 0.90, (lang, label, res[label])
        if "moves_micro" in res:
            assert res["moves_micro"][2] >= 0.85, (lang, "objection moves", res["moves_micro"])


# --- general behaviours added when broadening the cues ----------------------------------------------

@pytest.mark.parametrize("text, spin", [
    ("Which handoffs between the lab and QA are shaky?", "problem"),  # a negative-state adjective
    ("Which invoices don't get approved on time?", "problem"),  # a negated outcome, not leading
    ("Does the slow close mean you report late to head office?", "implication"),  # "mean you <bad>"
    ("What would a week's delay mean for your customers?", "implication"),  # a bad event, not a payoff
    ("Which fix would make the biggest difference for the nurses?", "need_payoff"),
    ("哪些单据没有按时签回来？", "problem"),
    ("临时找会议室要花多久才找得到？", "problem"),  # 才 marks the difficulty
    ("押金算错了，最后谁来承担？", "implication"),  # who pays
    ("提醒发晚了，爽约会多多少？", "implication"),
    ("实时看到库存，对门店有多关键？", "need_payoff"),
    ("每天晚上对账要折腾多久？", "problem"),  # 晚上 is no delay
])
def test_broadened_spin_categories(text, spin):
    assert analyse(text).spin == spin


def test_a_price_traded_for_a_condition_is_no_pitch():
    concession = analyse("If you commit to a two-year term and act as a reference site, we can reduce the annual "
                         "subscription by eight percent.")
    assert concession.objection_moves == ["conditional_concession"] and not concession.pitch
    claim = analyse("我们的实施周期只要两周，数据迁移全部由我们负责。")  # 只要 + a duration: "only takes"
    assert claim.pitch and claim.objection_moves == []


def test_a_crowd_appeal_just_before_a_question_makes_it_leading():
    labels = analyse("Most councils we speak to are fed up with paper permits. How bad is it for you?")
    assert labels.leading and labels.leading_kind == "crowd_appeal"
    assert labels.spin == "problem"
    cue = next(e for e in labels.evidence if e.label == "leading")
    assert labels.text[cue.start:cue.end] == cue.span and cue.start < labels.text.index("How bad")
    assert "Most councils" not in labels.neutral_rewrite
    assert not analyse("One council we work with moved permits online last year. How do you handle them today?").leading


def test_small_talk_with_a_tag_is_not_leading():
    labels = analyse("从新加坡回来的航班还顺利吧？")
    assert labels.spin is None and not labels.leading


@pytest.mark.parametrize("text, moves", [
    ("Compared with what, and who else has a say in the budget?", ["probe", "ask_approver"]),
    ("Who sets the budget?", ["ask_approver"]),
    ("贵是跟什么比？预算又是谁说了算？", ["probe", "ask_approver"]),
    ("只要月底前下单，付款可以分三期。", ["conditional_concession"]),
    ("爽约率要是降三分之一，两个月就能把费用挣回来。", ["value_reframe"]),  # 要是 about the client's metric
    ("Is procurement involved once it's above a certain amount?", ["ask_approver"]),
])
def test_objection_moves_in_broadened_wording(text, moves):
    assert sorted(analyse(text).objection_moves) == sorted(moves)
