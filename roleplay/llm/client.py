"""The one place that calls litellm.completion: streaming or not, with bounded retries and clear errors.

Retries are ours, not the SDK's (`max_retries=0` is passed down), so a rate limit backs off a known
number of times and every failure ends as one `LLMError` line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from roleplay.llm.config import DEFAULT_TIMEOUT
from roleplay.llm.errors import LLMError
from roleplay.llm.exceptions import classify, provider_of, to_llm_error
from roleplay.llm.loader import load_litellm


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a failed call again."""

    rate_limit_retries: int = 3
    """429s: retried this many times, waiting `backoff`, then twice that, ... (or the Retry-After)."""
    transient_retries: int = 1
    """Server errors, broken streams, dropped connections: retried this many times."""
    backoff: float = 1.0
    max_wait: float = 20.0

    def wait(self, err: LLMError, attempt: int, mode: str) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up."""
        if mode == "backoff" and attempt <= self.rate_limit_retries:
            wait = err.retry_after if err.retry_after is not None else self.backoff * 2 ** (attempt - 1)
            return min(wait, self.max_wait)
        if mode == "once" and attempt <= self.transient_retries:
            return min(self.backoff / 2, self.max_wait)
        return None


@dataclass
class Completion:
    """A finished model reply."""

    text: str
    finish_reason: str | None
    attempts: int = 1
    first_token_s: float | None = None
    total_s: float = 0.0


class _FromCallback(Exception):
    """Carries an exception raised by the caller's `on_delta` out of the stream, untouched by retries."""

    def __init__(self, inner: BaseException):
        super().__init__(str(inner))
        self.inner = inner


class ChatClient:
    """Calls one litellm model, optionally at an OpenAI-compatible `api_base`."""

    def __init__(self, model: str, api_base: str | None = None, timeout: float | None = None,
                 retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep):
        self.model = model
        self.api_base = api_base
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.retry = retry or RetryPolicy()
        self.sleep = sleep

    def _kwargs(self, **extra) -> dict:
        kwargs = {"model": self.model, "timeout": self.timeout, "max_retries": 0, **extra}
        if self.api_base:
            kwargs["api_base"] = self.api_base
            # A local OpenAI-compatible server ignores the key, but the SDK insists on one; a real key in
            # the environment still wins. The placeholder is not a secret.
            if provider_of(self.model) == "openai" and not os.environ.get("OPENAI_API_KEY"):
                kwargs["api_key"] = "local"
        return kwargs

    def _error(self, exc: BaseException, attempts: int) -> LLMError:
        return to_llm_error(exc, model=self.model, api_base=self.api_base, timeout=self.timeout, attempts=attempts)

    def _with_retries(self, once: Callable[[int], Completion], on_retry: Callable[[LLMError], None] | None) -> Completion:
        attempt = 1
        while True:
            try:
                result = once(attempt)
                result.attempts = attempt
                return result
            except _FromCallback as wrapped:
                raise wrapped.inner from None
            except LLMError as err:  # raised by `once` itself (a stream that ended without finishing)
                wait = self.retry.wait(err, attempt, "once" if err.retryable else "no")
                if wait is None:
                    err.attempts = attempt
                    if attempt > 1:
                        err.args = (f"{err} (tried {attempt} times)",)
                    raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes one clear line
                err = self._error(exc, attempt)
                wait = self.retry.wait(err, attempt, classify(exc).retry)
                if wait is None:
                    raise err from None
            if on_retry:
                on_retry(err)
            self.sleep(wait)
            attempt += 1

    def stream(self, messages: list[dict], on_delta: Callable[[str], None], *,
               on_retry: Callable[[LLMError], None] | None = None, **params) -> Completion:
        """Stream a reply, calling `on_delta` with each piece of text as it arrives.

        An exception raised by `on_delta` (e.g. the reply broke character) stops the stream, closes the
        connection and propagates unchanged. `on_retry(err)` is called before a failed attempt is tried
        again, so the caller can reset what it has collected. `params` go to litellm (max_tokens, ...).
        """
        litellm = load_litellm()

        def once(attempt: int) -> Completion:
            start = time.perf_counter()
            first = None
            parts: list[str] = []
            finish = None
            response = litellm.completion(messages=messages, stream=True, **self._kwargs(**params))
            try:
                for chunk in response:
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    piece = getattr(choice.delta, "content", None) if choice.delta is not None else None
                    if piece:
                        if first is None:
                            first = time.perf_counter() - start
                        parts.append(piece)
                        try:
                            on_delta(piece)
                        except Exception as exc:  # noqa: BLE001 - the caller's decision, passed through
                            raise _FromCallback(exc) from exc
                    finish = choice.finish_reason or finish
            finally:
                _close(response)
            if finish is None:
                raise LLMError(f"the reply from {self.model} broke off before it finished", kind="bad_stream",
                               retryable=True, attempts=attempt, detail="stream ended without a finish reason")
            return Completion("".join(parts), finish, first_token_s=first, total_s=time.perf_counter() - start)

        return self._with_retries(once, on_retry)

    def complete(self, messages: list[dict], *, json_object: bool = False,
                 on_retry: Callable[[LLMError], None] | None = None, **params) -> Completion:
        """One non-streamed reply (the judge, `roleplay doctor`)."""
        litellm = load_litellm()
        if json_object:
            params["response_format"] = {"type": "json_object"}

        def once(attempt: int) -> Completion:
            start = time.perf_counter()
            response = litellm.completion(messages=messages, **self._kwargs(**params))
            choice = response.choices[0]
            text = choice.message.content or ""
            elapsed = time.perf_counter() - start
            return Completion(text, choice.finish_reason, first_token_s=elapsed, total_s=elapsed)

        return self._with_retries(once, on_retry)


def _close(response) -> None:
    """Release the HTTP connection of a stream we stopped reading early."""
    for obj in (getattr(response, "completion_stream", None), response):
        close = getattr(obj, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing a dead stream must not mask the real outcome
                pass
            return
