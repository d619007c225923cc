"""A real bank stand-in for refunds: an HTTP server on 127.0.0.1 that checks the signature
of each refund instruction, pays each refund reference once, and can be broken."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from absher_web import signing


class FakeBank:
    """``mode``: "ok", "error" (HTTP 500), "refuse" (HTTP 400), "redirect" (HTTP 307 to
    ``redirect_to``) or "hang" (answers only after ``hang_seconds``, having taken nothing)."""

    def __init__(self, code: str, key: str) -> None:
        self.code, self.key = code, key
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.redirect_to = ""
        self.delay = 0.0  # seconds before an "ok" answer (to overlap two runners)
        self.calls: list[dict] = []  # every instruction received, signed or not
        self.bad_signatures = 0
        self.paid: dict[str, dict] = {}  # refund reference -> the instruction, paid once
        self.lock = threading.Lock()
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = bank.answer(self.headers, body)
                self.send_response(status)
                if status == 307:
                    self.send_header("Location", bank.redirect_to)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/refunds"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, headers, body: bytes) -> tuple[int, dict]:
        instruction = json.loads(body)
        with self.lock:
            self.calls.append(instruction)
        fresh = signing.timestamp_is_fresh(headers.get(signing.TIMESTAMP_HEADER, ""),
                                           time.time(), 300)
        if (headers.get(signing.CLIENT_HEADER) != self.code or not fresh
                or not signing.signature_matches(self.key,
                                                 headers.get(signing.TIMESTAMP_HEADER, ""),
                                                 body, headers.get(signing.SIGNATURE_HEADER, ""))):
            self.bad_signatures += 1
            return 401, {"error": "bad_signature"}
        if self.mode == "error":
            return 500, {"error": "internal"}
        if self.mode == "refuse":
            return 400, {"error": "payment_unknown"}
        if self.mode == "redirect":
            return 307, {}
        if self.mode == "hang":
            time.sleep(self.hang_seconds)
            return 200, {"bank_reference": "TOO-LATE"}
        time.sleep(self.delay)
        reference = instruction.get("refund_reference") or instruction["payout_reference"]
        with self.lock:
            self.paid.setdefault(reference, instruction)  # a repeat pays nothing more
        return 200, {"bank_reference": f"RF-{reference.rsplit('-', 1)[-1]}"}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
