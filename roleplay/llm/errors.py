"""Errors from the LLM path, each with one line a user can act on ("retry, or continue offline")."""

from __future__ import annotations

from roleplay.errors import RoleplayError


class LLMError(RoleplayError):
    """A model call failed after the retries it was worth; `str(err)` is the one line to show.

    The rep's turn is already stored when an engine raises this, so the caller can offer to retry the
    reply (`CallSession.resume` re-voices a call whose last turn is the rep's) or to continue offline.
    """

    def __init__(self, message: str, *, kind: str = "unknown", retryable: bool = False, attempts: int = 1,
                 retry_after: float | None = None, detail: str = ""):
        super().__init__(message)
        self.kind = kind
        """timeout, connection, auth, rate_limit, server, bad_stream, bad_response, not_found, bad_request,
        context, bad_model, judge_output or unknown."""
        self.retryable = retryable
        """Whether trying again later may work (a timeout or a rate limit may; a bad key will not)."""
        self.attempts = attempts
        self.retry_after = retry_after
        """Seconds the server asked us to wait (a 429's Retry-After), when it said."""
        self.detail = detail
        """The underlying error's text with secrets redacted, for logs and `roleplay doctor`."""


class LLMConfigError(RoleplayError):
    """The LLM configuration file is unreadable or has a bad field."""
