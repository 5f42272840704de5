"""A stand-in for a remote OpenAI-compatible LLM: a real HTTP server on 127.0.0.1.

    with StandInLLM() as llm:           # free port, serving in a thread
        llm.enqueue("文字 [doc/1.2]")    # scripted replies, served in order
        llm.enqueue(tool_calls=[{"name": "calculate_subsidy", "arguments": {...}}])
        llm.enqueue(status=500)          # an endpoint error
        llm.enqueue("…", delay=5)        # slower than the client's timeout
        settings.with_(llm_base_url=llm.base_url, llm_model="standin")

Speaks POST /v1/chat/completions, non-streaming and SSE streaming (``stream: true``),
including tool calls. Every request body is kept in ``llm.requests`` for assertions.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that gave up (timeout test) closes the socket mid-reply: expected here
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class StandInLLM:
    def __init__(self):
        self.replies: deque[dict] = deque()
        self.requests: list[dict] = []
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def enqueue(self, content: str = "", tool_calls: list[dict] | None = None, status: int = 200,
                delay: float = 0.0) -> None:
        self.replies.append({"content": content, "tool_calls": tool_calls or [], "status": status,
                             "delay": delay})

    def start(self) -> "StandInLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _send_json(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                outer.requests.append(body)
                reply = outer.replies.popleft() if outer.replies else {
                    "content": "", "tool_calls": [], "status": 500, "delay": 0}
                if reply["delay"]:
                    time.sleep(reply["delay"])
                if reply["status"] != 200:
                    self._send_json(reply["status"], {"error": {"message": "scripted failure",
                                                                "type": "server_error"}})
                    return
                calls = [{"id": f"call_{i}", "type": "function",
                          "function": {"name": c["name"], "arguments": json.dumps(c["arguments"], ensure_ascii=False)}}
                         for i, c in enumerate(reply["tool_calls"])]
                finish = "tool_calls" if calls else "stop"
                model = body.get("model", "standin")
                if body.get("stream"):
                    self._stream(model, reply["content"], calls, finish)
                    return
                message = {"role": "assistant", "content": reply["content"] or None}
                if calls:
                    message["tool_calls"] = calls
                self._send_json(200, {
                    "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
                    "model": model, "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _stream(self, model, content, calls, finish):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()

                def event(delta, finish_reason=None):
                    chunk = {"id": "chatcmpl-standin", "object": "chat.completion.chunk",
                             "created": int(time.time()), "model": model,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()

                event({"role": "assistant", "content": ""})
                for i in range(0, len(content), 7):  # small pieces, as a real model streams
                    event({"content": content[i:i + 7]})
                for i, call in enumerate(calls):
                    event({"tool_calls": [{"index": i, **call}]})
                event({}, finish)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler
