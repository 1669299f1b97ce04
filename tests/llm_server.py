"""A real OpenAI-compatible chat-completions server on loopback, scripted per test (never the network).

    with FakeLLMServer() as server:
        server.enqueue(Reply("Noted."), Reply(status=429), Reply("Fine.", delay=0.2))
        engine = make_engine("openai/test-model", server.api_base)

Each request takes the next queued `Reply` (or `server.default` when the queue is empty) and is recorded
in `server.requests` (the JSON body and the headers), so a test can assert what the model was shown.
A reply streams when the request asked for `stream: true`: SSE `data: {...}` chunks, one per word, then
`data: [DONE]`, over chunked transfer encoding so a cut-off stream looks like a real dropped connection.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """What the server does for one request."""

    text: str = "Okay."
    status: int = 200
    """Anything but 200 sends an OpenAI-style error body with this status (401, 429, 500...)."""
    delay: float = 0.0
    """Seconds before the first byte (headers and first token)."""
    chunk_delay: float = 0.0
    """Seconds between streamed chunks."""
    chunks: list[str] | None = None
    """Explicit stream pieces; default: one per word (with its trailing space)."""
    truncate: str | None = None
    """`abrupt`: drop the connection mid-stream; `clean`: end the stream after half the chunks with no
    finish reason and no [DONE]."""
    garbage: bool = False
    """Send bytes that are not JSON where a chunk or a body should be."""
    retry_after: float | None = None
    """A Retry-After header on a 429."""
    finish_reason: str = "stop"


@dataclass
class Recorded:
    body: dict
    headers: dict[str, str]
    path: str


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_api_key",
    403: "permission_denied",
    404: "model_not_found",
    429: "rate_limit_exceeded",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


def echo_director(body: dict) -> Reply:
    """A well-behaved persona model: says exactly what the director's note asks (the last user message)."""
    note = body["messages"][-1]["content"]
    for line in note.splitlines():
        if line.startswith("- Say this now"):
            return Reply(json.loads(line.split(": ", 1)[1]))
    return Reply("Go on.")


def _pieces(text: str) -> list[str]:
    return re.findall(r"\S+\s*|\s+", text) or [""]


class FakeLLMServer:
    """An OpenAI-compatible HTTP server in a thread, on 127.0.0.1 and an ephemeral port."""

    def __init__(self, default: Reply | None = None, first_token_delay: float = 0.0,
                 responder: Callable[[dict], Reply | str] | None = None):
        self.default = default or Reply()
        self.responder = responder
        """Builds the reply from the request body when the queue is empty (e.g. `echo_director`)."""
        self.first_token_delay = first_token_delay
        """Added before the first byte of every reply (the bench uses 200 ms)."""
        self.queue: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -------------------------------------------------------------------------------

    def enqueue(self, *replies: Reply | str) -> FakeLLMServer:
        """Queue replies; a bare string is a reply with that text."""
        with self._lock:
            self.queue.extend(Reply(r) if isinstance(r, str) else r for r in replies)
        return self

    def _next(self, body: dict) -> Reply:
        with self._lock:
            if self.queue:
                return self.queue.popleft()
        if self.responder is not None:
            reply = self.responder(body)
            return Reply(reply) if isinstance(reply, str) else reply
        return self.default

    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    @property
    def api_base(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def last_messages(self) -> list[dict]:
        return self.requests[-1].body["messages"]

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeLLMServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-stream is part of the tests, not a server failure


class _Handler(BaseHTTPRequestHandler):
    owner: FakeLLMServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        self.owner._record(Recorded(body=body, headers={k.lower(): v for k, v in self.headers.items()}, path=self.path))
        reply = self.owner._next(body)
        time.sleep(self.owner.first_token_delay + reply.delay)
        if reply.status != 200:
            extra = {"Retry-After": f"{reply.retry_after:g}"} if reply.retry_after is not None else {}
            message = {401: "Incorrect API key provided: te**.", 429: "Rate limit reached for test-model.",
                       500: "The server had an error while processing your request."}.get(reply.status, "error")
            self._json(reply.status, {"error": {"message": message, "type": ERROR_TYPES.get(reply.status, "error"),
                                                "code": ERROR_TYPES.get(reply.status)}}, extra)
            return
        model = body.get("model", "test-model")
        if body.get("stream"):
            self._stream(reply, model)
        elif reply.garbage:
            self._raw(200, b"<html>this is not json", "text/html")
        else:
            self._json(200, {
                "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text},
                             "finish_reason": reply.finish_reason}],
                "usage": {"prompt_tokens": 10, "completion_tokens": len(reply.text.split()),
                          "total_tokens": 10 + len(reply.text.split())},
            })

    # -- writing ---------------------------------------------------------------------------------

    def _json(self, status: int, obj: dict, headers: dict | None = None) -> None:
        self._raw(status, json.dumps(obj).encode(), "application/json", headers)

    def _raw(self, status: int, data: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, obj: dict | str) -> None:
        payload = obj if isinstance(obj, str) else json.dumps(obj)
        self._chunk(f"data: {payload}\n\n".encode())

    def _stream(self, reply: Reply, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        pieces = reply.chunks if reply.chunks is not None else _pieces(reply.text)
        base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        cut = max(1, len(pieces) // 2) if reply.truncate else None
        try:
            for i, piece in enumerate(pieces):
                if cut is not None and i == cut:
                    if reply.truncate == "abrupt":
                        # Half a chunk, then the connection drops: an incomplete chunked body.
                        self.wfile.write(b"40\r\ndata: {\"id\": \"chatcmpl-te")
                        self.wfile.flush()
                    else:
                        self._chunk(b"")  # a clean end of body with no finish reason and no [DONE]
                    self.close_connection = True
                    return
                if i and reply.chunk_delay:
                    time.sleep(reply.chunk_delay)
                if reply.garbage and i == 1:
                    self._event("{not json at all")
                    continue
                delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]})
            self._event("[DONE]")
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
