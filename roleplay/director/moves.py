"""What the director decides the client does this turn; engines only voice it."""

from pydantic import BaseModel

from roleplay.domain.vocabulary import Outcome


class Beat(BaseModel):
    """One part of a reply: a line from the persona's `lines`, or a released disclosure."""

    line: str
    """A key of PersonaLines (e.g. `pushback_leading`), `objection.<key>`, `cause.<key>` or `disclosure`."""
    disclosure: str | None = None
    """The disclosure id when `line` is `disclosure`."""


class ClientMove(BaseModel):
    """The client's move for one turn."""

    kind: str
    """The main move, e.g. `answer`, `pushback_leading`, `raise_objection`, `referral_accept`."""
    beats: list[Beat]
    released: list[str] = []
    ends_call: bool = False
    outcome: Outcome | None = None
    reason: str = ""
    """Why the director chose this move, in a sentence a rep can learn from."""
