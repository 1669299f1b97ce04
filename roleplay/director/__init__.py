"""The persona's hidden state and the decision of each client move: pure, deterministic, seeded."""

from roleplay.director.director import Director
from roleplay.director.moves import Beat, ClientMove
from roleplay.director.state import DirectorState

__all__ = ["Beat", "ClientMove", "Director", "DirectorState"]
