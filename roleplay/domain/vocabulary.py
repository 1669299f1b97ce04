"""The closed vocabularies of the method: sales-path roles, levels, stages, question and move types."""

from typing import Literal

Language = Literal["en", "zh"]
Role = Literal["power_holder", "dissatisfied", "acceptor", "buyer"]
Level = Literal["executive", "manager", "junior"]
Stage = Literal["need", "evaluation", "concerns", "implementation"]
Difficulty = Literal["easy", "normal", "hard"]
SpinType = Literal["situation", "problem", "implication", "need_payoff"]
FocType = Literal["fact", "opinion", "commitment"]
DisclosureKind = Literal["fact", "pain", "implication", "payoff"]
ObjectionMove = Literal[
    "probe", "value_reframe", "conditional_concession", "unconditional_concession", "ask_approver"
]
PriceCause = Literal["over_budget", "value_not_seen", "bargaining_reflex"]
Outcome = Literal["advance", "referral", "continuation", "ended_early"]
Speaker = Literal["rep", "client"]

SPIN_TYPES: tuple[str, ...] = ("situation", "problem", "implication", "need_payoff")
OBJECTION_MOVES: tuple[str, ...] = (
    "probe", "value_reframe", "conditional_concession", "unconditional_concession", "ask_approver"
)
