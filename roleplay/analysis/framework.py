"""The FOC framework as data: how SPIN question types and next-step proposals map to F, O and C."""

from roleplay.domain.base import Strict
from roleplay.domain.vocabulary import FocType, SpinType


class Framework(Strict):
    """A question framework read from `frameworks/<id>.yaml`."""

    id: str
    title: str
    description: str = ""
    types: dict[FocType, str]
    from_spin: dict[SpinType, FocType]
    next_step: FocType | None = None
    """The FOC type of a next-step proposal or a request for commitment."""
