"""Static files under content-hashed URLs, compressed once at start-up.

``static_url("css/site.css")`` gives ``/static/css/site.<hash>.css``. That URL
never changes meaning, so it is served with ``Cache-Control: immutable`` for a
year; a new file gets a new URL. Files are read, gzipped and brotli-compressed
once, so a request costs no disk read and no compression.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Flask, abort, current_app, request
from werkzeug.wrappers import Response

from absher_web.config import PROJECT_ROOT
from absher_web.extensions import limiter

STATIC_ROOT = PROJECT_ROOT / "static"
HASH_LENGTH = 12
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml",
                "text/plain", "application/json"}


@dataclass(frozen=True)
class Asset:
    path: str
    digest: str
    mimetype: str
    body: bytes
    gzip_body: bytes | None
    brotli_body: bytes | None

    @property
    def hashed_path(self) -> str:
        stem, dot, suffix = self.path.rpartition(".")
        if not dot or "/" in suffix:
            return f"{self.path}.{self.digest}"
        return f"{stem}.{self.digest}.{suffix}"


def load_asset(root: Path, file: Path) -> Asset:
    body = file.read_bytes()
    relative = file.relative_to(root).as_posix()
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if mimetype == "text/javascript":
        mimetype = "application/javascript"
    compressible = mimetype in COMPRESSIBLE or mimetype.startswith("text/")
    return Asset(
        path=relative,
        digest=hashlib.sha256(body).hexdigest()[:HASH_LENGTH],
        mimetype=mimetype,
        body=body,
        gzip_body=gzip.compress(body, 9, mtime=0) if compressible else None,
        brotli_body=brotli.compress(body, quality=11) if compressible else None,
    )


class AssetTable:
    def __init__(self, root: Path) -> None:
        self.by_path: dict[str, Asset] = {}
        self.by_hashed_path: dict[str, Asset] = {}
        for file in sorted(root.rglob("*")):
            if file.is_file() and not file.name.startswith("."):
                asset = load_asset(root, file)
                self.by_path[asset.path] = asset
                self.by_hashed_path[asset.hashed_path] = asset

    def url(self, path: str) -> str:
        asset = self.by_path.get(path)
        if asset is None:
            raise KeyError(f"no static file {path!r} under {STATIC_ROOT}")
        return f"/static/{asset.hashed_path}"


def static_url(path: str) -> str:
    return current_app.extensions["absher_assets"].url(path)


def serve_asset(filename: str) -> Response:
    table: AssetTable = current_app.extensions["absher_assets"]
    asset = table.by_hashed_path.get(filename)
    immutable = asset is not None
    if asset is None:
        # An unhashed name (a licence link, an old page after a deploy): current file, revalidated.
        asset = table.by_path.get(filename)
    if asset is None:
        abort(404)

    body, encoding = asset.body, None
    accepted = request.accept_encodings
    if asset.brotli_body is not None and accepted["br"]:
        body, encoding = asset.brotli_body, "br"
    elif asset.gzip_body is not None and accepted["gzip"]:
        body, encoding = asset.gzip_body, "gzip"

    response = Response(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["ETag"] = f'"{asset.digest}"'
    if immutable:
        max_age = current_app.config["STATIC_MAX_AGE"]
        response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.extensions["absher_assets"] = AssetTable(STATIC_ROOT)
    app.add_url_rule("/static/<path:filename>", "static", limiter.exempt(serve_asset))
    app.jinja_env.globals["static_url"] = static_url
