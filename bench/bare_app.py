"""The yardstick for bench/throughput.py: a bare Flask app answering each request with the
bytes the real app sent for it (status, content headers and body, compressed as it was).

    BARE_RESPONSES=/path/to/responses.pickle gunicorn 'bench.bare_app:app'

The pickle maps (method, path) to (status, [(header, value), ...], body).
"""

from __future__ import annotations

import os
import pickle

from flask import Flask, Response, request

with open(os.environ["BARE_RESPONSES"], "rb") as stream:
    RESPONSES = pickle.load(stream)

app = Flask(__name__, static_folder=None)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def answer(path: str) -> Response:
    status, headers, body = RESPONSES[(request.method, request.path)]
    return Response(body, status=status, headers=headers)


@app.get("/healthz")
def healthz() -> str:
    return "ok"
