"""Static files under content-hashed URLs, compressed once at start-up.

``static_url("css/site.css")`` gives ``/static/css/site.<hash>.css``. That URL
never changes meaning, so it is served with ``Cache-Control: immutable`` for a
year; a new file gets a new URL. Files are read, gzipped and brotli-compressed
once, so a request costs no disk read and no compression.

Rolling deploys: while old and new instances both answer, a page from one may ask another
for a hashed name it never built. `absher collect-static` (run before each instance starts,
see deploy/) writes every hashed file into RETAINED_STATIC_DIR and keeps the files of the
last releases there; nginx serves that directory, and the app answers a hashed name it does
not know from it too. Each file is content-addressed, so keeping old ones is always safe.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import mimetypes
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import brotli
from flask import Flask, abort, current_app, request
from markupsafe import Markup
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Response

from absher_web.config import STATIC_DIR
from absher_web.extensions import limiter
from absher_web.observability import LATENCY, REQUEST_ID_HEADER, REQUESTS, SANE_REQUEST_ID

STATIC_ROOT = STATIC_DIR  # the checkout's static/, or the installed package's
HASH_LENGTH = 12
# A name as Asset.hashed_path makes it ("css/site.0123456789ab.css"); no segment starts with
# a dot, so it never leaves the directory it is looked up in.
HASHED_NAME = re.compile(
    r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*"
    rf"\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?:\.[A-Za-z0-9]+)?"
)
RELEASES_FILE = ".releases.json"
# Every page carries this stylesheet in a <style> element (see InlineStyle).
INLINE_STYLESHEET = "css/site.css"
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


def _mimetype(name: str) -> str:
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return "application/javascript" if mimetype == "text/javascript" else mimetype


# Compressed bodies by (file, its bytes' digest): brotli at quality 11 costs about 20 ms
# a file, so an app built again in the same process (a test, a reload) pays it only for a
# file that changed.
_compressed: dict[tuple[str, str], tuple[bytes | None, bytes | None]] = {}


def load_asset(root: Path, file: Path) -> Asset:
    body = file.read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    relative = file.relative_to(root).as_posix()
    mimetype = _mimetype(file.name)
    compressible = mimetype in COMPRESSIBLE or mimetype.startswith("text/")
    key = (str(file), digest)
    if key not in _compressed:
        _compressed[key] = (
            (gzip.compress(body, 9, mtime=0), brotli.compress(body, quality=11))
            if compressible else (None, None))
    gzip_body, brotli_body = _compressed[key]
    return Asset(path=relative, digest=digest[:HASH_LENGTH], mimetype=mimetype, body=body,
                 gzip_body=gzip_body, brotli_body=brotli_body)


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


@dataclass(frozen=True)
class InlineStyle:
    """The stylesheet every page carries inline, so its first response is all a first
    render needs (one round trip on a slow link instead of two).

    The Content-Security-Policy allows exactly these bytes by their SHA-256, computed once
    at start-up: no 'unsafe-inline', and a changed file is a new hash at the next start.
    """

    css: Markup  # what goes between <style> and </style>, unchanged
    csp_source: str  # "'sha256-…'" for style-src

    @classmethod
    def of(cls, asset: Asset) -> InlineStyle:
        text = asset.body.decode("utf-8")
        if "</style" in text.lower():
            raise RuntimeError(f"{asset.path} holds '</style': it cannot be inlined")
        digest = base64.b64encode(hashlib.sha256(asset.body).digest()).decode()
        return cls(Markup(text), f"'sha256-{digest}'")


def inline_style() -> Markup:
    return current_app.extensions["absher_inline_style"].css


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
        return serve_retained(filename)

    body, encoding = asset.body, None
    accepted = request.accept_encodings
    if asset.brotli_body is not None and accepted["br"]:
        body, encoding = asset.brotli_body, "br"
    elif asset.gzip_body is not None and accepted["gzip"]:
        body, encoding = asset.gzip_body, "gzip"
    return _respond(body, asset.mimetype, encoding, asset.digest, immutable)


class StaticFiles:
    """WSGI, in front of Flask: GET and HEAD of this release's files, answered from memory
    without opening the session, touching the database, setting a cookie or varying on
    Cookie, and without a rate limit (a file costs less than counting it). The security
    headers, the request id and the request metrics are the same as on any response.

    Anything else under /static/ (another release's file, a missing one, another method,
    an untrusted host) goes on to Flask (serve_asset) as before.
    """

    PREFIX = "/static/"

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app
        self.table: AssetTable = app.extensions["absher_assets"]
        self.max_age = app.config["STATIC_MAX_AGE"]
        self._fixed: list[tuple[str, str]] | None = None

    def fixed_headers(self) -> list[tuple[str, str]]:
        if self._fixed is None:  # known once security.init_app has run
            self._fixed = list(self.app.extensions["absher_security_headers"].items())
        return self._fixed

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        from absher_web.security import UNTRUSTED_HOST_KEY

        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if (not path.startswith(self.PREFIX) or method not in ("GET", "HEAD")
                or environ.get(UNTRUSTED_HOST_KEY)):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        name = path[len(self.PREFIX):]
        asset = self.table.by_hashed_path.get(name)
        immutable = asset is not None
        if asset is None:  # an unhashed name: the current file, revalidated
            asset = self.table.by_path.get(name)
        if asset is None:
            return self.wsgi_app(environ, start_response)

        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))
        body, encoding = asset.body, None
        if asset.brotli_body is not None and accepted["br"]:
            body, encoding = asset.brotli_body, "br"
        elif asset.gzip_body is not None and accepted["gzip"]:
            body, encoding = asset.gzip_body, "gzip"
        given_id = environ.get("HTTP_X_REQUEST_ID", "")
        headers = [
            ("Vary", "Accept-Encoding"), ("ETag", f'"{asset.digest}"'),
            ("Cache-Control", f"public, max-age={self.max_age}, immutable" if immutable
             else "no-cache"),
            *self.fixed_headers(),
            (REQUEST_ID_HEADER,
             given_id if SANE_REQUEST_ID.fullmatch(given_id) else uuid.uuid4().hex),
        ]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(asset.digest):
            status, body = "304 Not Modified", b""
        else:
            status = "200 OK"
            headers += [("Content-Type", get_content_type(asset.mimetype, "utf-8")),
                        ("Content-Length", str(len(body)))]
            if encoding:
                headers.append(("Content-Encoding", encoding))
        start_response(status, headers)
        REQUESTS.labels("static", method, status[:3]).inc()
        LATENCY.labels("static").observe(time.perf_counter() - started)
        return [b"" if method == "HEAD" else body]


def serve_retained(filename: str) -> Response:
    """A hashed file of another release (the previous one, or the next during a rollout)."""
    match = HASHED_NAME.fullmatch(filename)
    root = current_app.config.get("RETAINED_STATIC_DIR")
    if match is None or not root:
        abort(404)
    file = Path(root) / filename
    compressed = file.with_name(file.name + ".gz")
    try:
        if request.accept_encodings["gzip"] and compressed.is_file():
            body, encoding = compressed.read_bytes(), "gzip"
        else:
            body, encoding = file.read_bytes(), None
    except OSError:  # missing, a directory, unreadable
        abort(404)
    return _respond(body, _mimetype(file.name), encoding, match["digest"], immutable=True)


def _respond(body: bytes, mimetype: str, encoding: str | None, digest: str,
             immutable: bool) -> Response:
    response = Response(body, mimetype=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["ETag"] = f'"{digest}"'
    if immutable:
        max_age = current_app.config["STATIC_MAX_AGE"]
        response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


# --- retained builds: `absher collect-static` ----------------------------------------------

@dataclass(frozen=True)
class CollectReport:
    build: str            # the hash of this release's list of hashed names
    files: int            # hashed files in this release
    written: int          # of which were not in the directory yet
    releases: list[str]   # builds kept, oldest first (this one last)
    removed: int          # files of dropped releases deleted


def collect_static(table: AssetTable, directory: Path, release: str,
                   keep: int = 2) -> CollectReport:
    """Write every asset under its hashed name (and a .gz beside the compressible ones)
    into ``directory``; keep the files of the last ``keep`` builds, this one included.

    Files are written atomically and never changed (their names are their content), so a
    server reading the directory meanwhile sees a whole file or none. Several instances
    starting at once take turns through a lock file.
    """
    if keep < 1:
        raise ValueError("keep at least this release")
    directory.mkdir(parents=True, exist_ok=True)
    files = sorted(asset.hashed_path for asset in table.by_path.values())
    build = hashlib.sha256("\n".join(files).encode()).hexdigest()[:HASH_LENGTH]
    with _locked(directory / ".lock"):
        written = 0
        for asset in table.by_path.values():
            written += _write_once(directory / asset.hashed_path, asset.body)
            if asset.gzip_body is not None:
                _write_once(directory / f"{asset.hashed_path}.gz", asset.gzip_body)
        releases = [entry for entry in _read_releases(directory) if entry["build"] != build]
        releases.append({"build": build, "release": release, "files": files,
                         "collected_at": datetime.now(UTC).isoformat(timespec="seconds")})
        kept, dropped = releases[-keep:], releases[:-keep]
        still_used = {name for entry in kept for name in entry["files"]}
        removed = 0
        for entry in dropped:
            for name in entry["files"]:
                if name in still_used or not HASHED_NAME.fullmatch(name):
                    continue
                for path in (directory / name, directory / f"{name}.gz"):
                    if path.is_file():
                        path.unlink()
                        removed += 1
        _write_atomically(directory / RELEASES_FILE,
                          json.dumps(kept, indent=1, ensure_ascii=False).encode())
    return CollectReport(build, len(files), written, [entry["build"] for entry in kept],
                         removed)


def _read_releases(directory: Path) -> list[dict]:
    try:
        entries = json.loads((directory / RELEASES_FILE).read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise RuntimeError(f"{directory / RELEASES_FILE} is unreadable ({error}); "
                           "move it away to start the record again") from None
    return [entry for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("files"), list)]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl  # the deployment target is Linux

    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_once(path: Path, body: bytes) -> int:
    if path.is_file() and path.stat().st_size == len(body):
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, body)
    return 1


def _write_atomically(path: Path, body: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(body)
        os.chmod(temporary, 0o644)  # nginx reads them as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def init_app(app: Flask) -> None:
    table = app.extensions["absher_assets"] = AssetTable(STATIC_ROOT)
    app.extensions["absher_inline_style"] = InlineStyle.of(table.by_path[INLINE_STYLESHEET])
    app.add_url_rule("/static/<path:filename>", "static", limiter.exempt(serve_asset))
    app.wsgi_app = StaticFiles(app.wsgi_app, app)  # inside the host check (security.init_app)
    app.jinja_env.globals.update(static_url=static_url, inline_style=inline_style)
