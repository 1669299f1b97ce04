"""The in-character checks on a model's reply: what is caught, what is let through, what is held back."""

import pytest

from roleplay.content import load_library
from roleplay.director.moves import Beat, ClientMove
from roleplay.domain.transcript import Turn
from roleplay.engines.llm import HISTORY_TURNS, build_messages, reply_rules
from roleplay.engines.scripted import ScriptedEngine
from roleplay.llm.character import CharacterBreak, ReplyGuard, ReplyRules, allowed_numbers, numbers_in


@pytest.fixture(scope="module")
def persona():
    return load_library().persona("busy_executive")


def answer(disclosure: str) -> ClientMove:
    return ClientMove(kind="answer", beats=[Beat(line="disclosure", disclosure=disclosure)], released=[disclosure])


def guard_for(persona, move, history=()) -> tuple[ReplyGuard, str]:
    content = ScriptedEngine().voice(persona, move, list(history), 0).text
    return ReplyGuard(reply_rules(persona, move, list(history), content)), content


def stream(guard: ReplyGuard, text: str, size: int = 5) -> list[str]:
    shown = [guard.feed(text[i: i + size]) for i in range(0, len(text), size)]
    shown.append(guard.finish())
    return [s for s in shown if s]


def test_a_faithful_paraphrase_passes_and_streams_exactly_what_is_stored(persona):
    guard, _ = guard_for(persona, answer("p_growth_capacity"))
    reply = ("Catherine Okafor: The board wants a fifth more volume in three years, and I promised no new plant. "
             "We run at about sixty-two percent OEE while the best sites are in the low seventies. That gap is mine.")
    shown = stream(guard, reply)
    assert "".join(shown) == guard.final_text()
    assert guard.final_text().startswith("The board wants")  # her own name label is dropped, not a break


@pytest.mark.parametrize("reply, reason", [
    ("As an AI language model, I cannot pretend to be a COO.", "said it is an AI"),
    ("I'm sorry, but I am an AI assistant and don't have a business.", "said it is an AI"),
    ("Rep: What are your priorities?\nCatherine: Growth.", "spoke as the seller"),
    ("Noted. Let me show you how our platform predicts failures days ahead.", "spoke as the seller"),
    ("Fine, go on.\nCatherine: And another thing about the board.", "wrote a dialogue"),
    ("<<SYS>>", "echoed the prompt or chat-template markup"),
    ("The call is over.", "ignored the move: ended the call"),
    ("Note from the rep: thank you. <s>[INST] Go on.", "echoed the prompt or chat-template markup"),
    ("The call has just connected.\n- Your move: open the call.", "echoed the prompt or chat-template markup"),
])
def test_character_breaks_are_caught(persona, reply, reason):
    guard, _ = guard_for(persona, ClientMove(kind="acknowledge", beats=[Beat(line="acknowledge")]))
    with pytest.raises(CharacterBreak) as caught:
        stream(guard, reply)
    assert caught.value.reason.startswith(reason)


def test_an_answer_that_shares_no_fact_is_a_break_when_the_stream_ends(persona):
    # The words stream as they come (the model knows no hidden fact, so nothing can leak); the engine
    # withdraws them when the finished reply turns out not to share the fact (see test_llm_engine).
    guard, _ = guard_for(persona, answer("p_growth_capacity"))
    shown = []
    for piece in ["I'd rather ", "not get into ", "that today, ", "if you don't mind ", "at all."]:
        shown.append(guard.feed(piece))
    assert "not get into" in "".join(shown)
    with pytest.raises(CharacterBreak, match="did not share the fact"):
        guard.finish()


def test_numbers_not_in_the_released_facts_are_a_break_before_they_are_shown(persona):
    guard, _ = guard_for(persona, answer("p_growth_capacity"))
    reply = ("The board wants growth of a fifth without another plant; our lines run at sixty-two percent OEE. "
             "And the new hall would cost us thirty million pounds.")
    shown = []
    with pytest.raises(CharacterBreak, match="thirty million"):
        for i in range(0, len(reply), 4):
            shown.append(guard.feed(reply[i: i + 4]))
        guard.finish()
    assert "thirty" not in "".join(shown)


def test_numbers_from_released_facts_the_profile_and_the_rep_are_allowed(persona):
    history = [type("T", (), {"speaker": "rep", "text": "Would 20 minutes work?", "released": []})()]
    rules = reply_rules(persona, answer("i_capex"), [], "That's twelve million pounds and eighteen months.")
    assert {12e6, 12, 18, 1400} <= rules.allowed
    assert 20 in allowed_numbers([history[0].text])


@pytest.mark.parametrize("reply", [
    "Good morning. My assistant said you asked for twenty minutes; you have fifteen. Go ahead.",
    "Our own software can't cope with three plants, frankly. Go on.",
    "I have to go back to the board with a plan, so make it count.",
])
def test_ordinary_client_talk_is_not_mistaken_for_a_break(persona, reply):
    guard, _ = guard_for(persona, ClientMove(kind="opening", beats=[Beat(line="opening")]))
    assert "".join(stream(guard, reply)) == reply


def test_a_reply_far_longer_than_the_line_is_a_break(persona):
    guard, _ = guard_for(persona, ClientMove(kind="acknowledge", beats=[Beat(line="acknowledge")]))
    with pytest.raises(CharacterBreak, match="too long"):
        stream(guard, "Right, carry on. " * 40)


def test_number_words_and_chinese_numerals_are_read():
    assert [n.value for n in numbers_in("sixty-two percent, £45m, 1,400 staff, three hundred and forty")] == [
        62, 45e6, 1400, 340]
    assert {n.value for n in numbers_in("从百分之九十八掉到了九十四，两亿六千万，三个亿")} >= {98, 94, 2.6e8, 3e8}


def test_a_number_being_spelled_out_is_held_back_until_it_is_complete():
    guard = ReplyGuard(ReplyRules(name="Catherine Okafor", allowed=frozenset({62.0})))
    shown = guard.feed("We are at roughly the level the board expects, at sixty")
    assert not shown.endswith("sixty")  # "sixty" alone (60) would be a break; "sixty-two" is allowed
    shown += guard.feed("-two percent today.") + guard.finish()
    assert shown == "We are at roughly the level the board expects, at sixty-two percent today."


def test_unreleased_disclosures_never_reach_the_prompt(persona):
    move = answer("p_growth_capacity")
    content = ScriptedEngine().voice(persona, move, [], 0).text
    prompt = "\n".join(m["content"] for m in build_messages(persona, move, [], content))
    assert persona.disclosure("p_growth_capacity").text in prompt
    for d in persona.disclosures:
        if d.id != "p_growth_capacity":
            assert d.text not in prompt
            assert d.id not in prompt


def test_facts_from_turns_no_longer_shown_are_kept_in_the_note(persona):
    fact = persona.disclosure("p_growth_capacity")
    history = [Turn(speaker="client", text="Hello."), Turn(speaker="rep", text="What are your challenges?"),
               Turn(speaker="client", text=fact.text, released=[fact.id])]
    history += [Turn(speaker=s, text="Go on.") for _ in range(HISTORY_TURNS) for s in ("rep", "client")]
    history.append(Turn(speaker="rep", text="What does that gap cost you?"))
    move = ClientMove(kind="nothing_new", beats=[Beat(line="nothing_new")])
    messages = build_messages(persona, move, history, "Nothing to add to what I've said.")
    assert fact.text not in "".join(m["content"] for m in messages[1:-1])  # not in the recent turns shown
    assert "already told the rep" in messages[-1]["content"] and fact.text in messages[-1]["content"]


def test_a_goodbye_is_fine_when_the_move_ends_the_call(persona):
    guard, _ = guard_for(persona, ClientMove(kind="goodbye", beats=[Beat(line="goodbye")], ends_call=True))
    assert "".join(stream(guard, "Thanks for your time. Goodbye.")) == "Thanks for your time. Goodbye."
