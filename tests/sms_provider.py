"""A real SMS provider stand-in: an HTTP server on 127.0.0.1 that tests can break."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeProvider:
    """Accepts JSON {to, body} with a bearer key; `mode` decides how it answers."""

    def __init__(self, api_key: str = "test-provider-key") -> None:
        self.api_key = api_key
        # "ok", "error" (HTTP 500), "slow" (answers after the timeout) or "hang" (delivers
        # the message, but only answers after `hang_seconds`)
        self.mode = "ok"
        self.hang_seconds = 6.0
        self.received: list[dict] = []
        self.keys: set[str] = set()  # idempotency keys of delivered messages
        self.requests = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                provider.requests += 1
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {provider.api_key}":
                    self.send_response(401)
                elif provider.mode == "error":
                    self.send_response(500)
                elif provider.mode == "slow":
                    time.sleep(2.5)
                    self.send_response(200)
                elif provider.mode == "hang":
                    provider.received.append(payload)  # the phone gets it; the answer is late
                    time.sleep(provider.hang_seconds)
                    self.send_response(200)
                elif self.headers.get("Idempotency-Key") in provider.keys:
                    self.send_response(200)  # a repeat of a message already delivered
                else:
                    provider.received.append(payload)
                    if self.headers.get("Idempotency-Key"):
                        provider.keys.add(self.headers["Idempotency-Key"])
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "done"}')

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def last_code(self) -> str:
        import re

        return re.search(r"#(\d{6})\s*$", self.received[-1]["body"]).group(1)
