"""What to do about each litellm error: retry or not, and the one line the user sees (after aider's table).

Errors are matched by class name along the exception's MRO, so this module never imports litellm.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from roleplay.llm.errors import LLMError


@dataclass(frozen=True)
class ExInfo:
    """How one kind of failure is handled."""

    kind: str
    retry: str
    """`backoff` (rate limits: several waits, growing), `once` (transient: one quick retry) or `no`."""
    message: str
    """A template for the user's line: {model}, {where}, {timeout}, {status}, {key_env}."""
    retryable_later: bool
    """Whether the user retrying later may help (shown as "retry, or continue offline")."""


TIMEOUT = ExInfo("timeout", "no", "{model} did not answer within {timeout:g} s", True)
CONNECTION = ExInfo("connection", "once", "cannot reach {where}: connection failed", True)
REFUSED = ExInfo("connection", "once", "cannot reach {where}: connection refused (is the server running?)", True)
AUTH = ExInfo("auth", "no", "{where} rejected the API key ({status}): check {key_env}", False)
RATE_LIMIT = ExInfo("rate_limit", "backoff", "{where} is rate-limiting requests (429); wait a minute", True)
SERVER = ExInfo("server", "once", "{where} had a server error ({status})", True)
BAD_STREAM = ExInfo("bad_stream", "once", "the reply from {model} broke off or was malformed mid-stream", True)
BAD_RESPONSE = ExInfo("bad_response", "once", "{where} sent a response that is not an OpenAI-style chat reply", True)
NOT_FOUND = ExInfo("not_found", "no", "{where} does not know the model {model} ({status}): check the model name", False)
BAD_REQUEST = ExInfo("bad_request", "no", "{where} refused the request ({status})", False)
CONTEXT = ExInfo("context", "no", "the conversation is too long for {model}'s context window", False)
CONTENT = ExInfo("content_policy", "no", "{where} refused the reply under its content policy", False)
BAD_MODEL = ExInfo("bad_model", "no", "litellm does not recognise the model string {model} (try provider/name, "
                   "e.g. openai/gpt-4o-mini)", False)
UNKNOWN = ExInfo("unknown", "no", "the call to {model} failed", True)

# Most specific first: the first class name found along the exception's MRO decides.
EXCEPTIONS: dict[str, ExInfo] = {
    "MidStreamFallbackError": BAD_STREAM,
    "Timeout": TIMEOUT,
    "APITimeoutError": TIMEOUT,
    "ContextWindowExceededError": CONTEXT,
    "ContentPolicyViolationError": CONTENT,
    "LiteLLMUnknownProvider": BAD_MODEL,
    "BadRequestError": BAD_REQUEST,
    "UnsupportedParamsError": BAD_REQUEST,
    "UnprocessableEntityError": BAD_REQUEST,
    "AuthenticationError": AUTH,
    "PermissionDeniedError": AUTH,
    "NotFoundError": NOT_FOUND,
    "RateLimitError": RATE_LIMIT,
    "BudgetExceededError": ExInfo("budget", "no", "the litellm budget for {model} is used up", False),
    "APIResponseValidationError": BAD_RESPONSE,
    "ServiceUnavailableError": SERVER,
    "BadGatewayError": SERVER,
    "InternalServerError": SERVER,
    "APIConnectionError": CONNECTION,
    "APIError": SERVER,
    "JSONDecodeError": BAD_RESPONSE,
    "RemoteProtocolError": BAD_STREAM,
    "ConnectError": CONNECTION,
    "ConnectionRefusedError": REFUSED,
    "TimeoutException": TIMEOUT,
}

_KEY_ENV = {
    "openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY",
    "groq": "GROQ_API_KEY", "mistral": "MISTRAL_API_KEY", "deepseek": "DEEPSEEK_API_KEY",
    "openrouter": "OPENROUTER_API_KEY", "azure": "AZURE_API_KEY", "cohere": "COHERE_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY", "xai": "XAI_API_KEY",
}
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)$")
_KEYLIKE = re.compile(r"\b(sk|pk|rk|gsk|xai|key)-[A-Za-z0-9_\-]{8,}")


def provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


def key_env_for(model: str) -> str:
    """The environment variable that usually holds the key for `model`'s provider."""
    provider = provider_of(model)
    return _KEY_ENV.get(provider, f"{provider.upper()}_API_KEY")


def redact(text: str) -> str:
    """Remove anything that looks like a key, and the values of secret-looking environment variables."""
    for name, value in os.environ.items():
        if value and len(value) >= 6 and _SECRET_ENV.search(name) and value in text:
            text = text.replace(value, "***")
    return _KEYLIKE.sub(r"\1-***", text)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def classify(exc: BaseException) -> ExInfo:
    """The table entry for `exc`, looking through chained causes for a refused connection."""
    names = [c.__name__ for c in type(exc).__mro__]
    info = next((EXCEPTIONS[n] for n in names if n in EXCEPTIONS), UNKNOWN)
    if info.kind in ("server", "connection", "bad_stream"):
        # litellm reports a refused connection as a 500 "Connection error."; the cause says what it was.
        causes = {c.__name__ for cause in _chain(exc) for c in type(cause).__mro__}
        if "ConnectionRefusedError" in causes:
            return REFUSED
        if "TimeoutException" in causes or "APITimeoutError" in causes:
            return TIMEOUT
        if "ConnectError" in causes and info.kind != "bad_stream":
            return CONNECTION
        text = str(exc)
        if info.kind == "server" and "Empty or invalid response" in text:
            return BAD_RESPONSE
    return info


def to_llm_error(exc: BaseException, *, model: str, api_base: str | None, timeout: float,
                 attempts: int = 1) -> LLMError:
    """The LLMError to raise for `exc`: one clear line plus a redacted detail."""
    info = classify(exc)
    status = getattr(exc, "status_code", None)
    where = api_base or provider_of(model)
    message = info.message.format(model=model, where=where, timeout=timeout, status=status or "error",
                                  key_env=key_env_for(model))
    if attempts > 1:
        message += f" (tried {attempts} times)"
    detail = redact(" ".join(str(exc).split()))[:500]
    retry_after = _retry_after(exc)
    return LLMError(message, kind=info.kind, retryable=info.retryable_later, attempts=attempts,
                    retry_after=retry_after, detail=detail)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or getattr(exc, "litellm_response_headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
        return float(value) if value is not None else None
    except (TypeError, ValueError, AttributeError):
        return None
