"""Hostile input never breaks a page: every route and every form, fuzzed with hypothesis.

Every GET route of the app (from app.url_map) and every POST form, signed-in forms,
the officer console, the later steps of each journey and the activation API get
hostile values: NUL and other control characters, bidi and zero-width characters,
combining marks, full-width and Arabic-Indic digits, emoji, Unicode case oddities,
lone surrogates and invalid UTF-8, overlong text, repeated, missing and extra fields,
wrong content types and encodings, reserved query names, forged hosts and garbage
headers. Whatever arrives, the answer must be

* never a 5xx, and no traceback logged at ERROR or above;
* valid UTF-8;
* a translated page (``<html lang="ar"`` or ``"en"``) as text/html, an htmx fragment
  when htmx asked, a redirect that stays on this site, or under /api/ a JSON body with
  an "error" object.

Each test first sweeps every route or form field with every hostile class, then lets
hypothesis combine classes. Failures are not raised one by one: they are collected
and reported once per test, grouped by cause (status, exception and the line of ours
it came from) with every route and input class that leads there, so each class of
bug can be fixed at its root.
"""

from __future__ import annotations

import gzip
import html
import itertools
import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes, urlsplit

import brotli
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from absher_web import create_app, signing
from absher_web.config import PROJECT_ROOT
from absher_web.extensions import db, limiter
from absher_web.identity import normalise_mobile
from absher_web.models import ActivationState, ApiClientKind, RequestStatus, utcnow
from absher_web.observability import OPERATOR_PATHS
from absher_web.services import family_records, requests
from absher_web.services.captcha import CaptchaPolicy, answer_for, new_token
from absher_web.settings_check import RANGES
from tests.activation.conftest import add_caller
from tests.conftest import PASSWORD, POSTGRES_URL, SECURITY_ANSWERS
from tests.staff.conftest import OFFICER_PASSWORD, add_officer

# One budget for every hypothesis run here: deterministic, no deadline, no shrinking
# needed (failures are collected, not raised inside the example).
FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)


def random_cases(count: int) -> int:
    """How many generated cases a test adds to its sweep. The sweeps (every class of
    hostile value in every field, header and query name) run whole on both databases; of
    the generated mixtures of them, the PostgreSQL run, which repeats the SQLite run's
    requests on another database, sends half."""
    return count // 2 if POSTGRES_URL else count


STRONG_PASSWORD = "Qm7rTz4wLp"
OTHER_PASSWORD = "Vb8nWq3zKs"

# --- hostile values ------------------------------------------------------------------------

Value = str | bytes  # bytes: raw octets sent as they are (invalid UTF-8 included)

HOSTILE: dict[str, tuple[Value, ...]] = {
    "nul": ("\x00", "Abcdefg1\x00", "0551234567\x00", "\x00" * 32),
    "c0_controls": ("\x01\x02\x07\x08\x0b\x0c\x1b[2J\x1f\x7f", "Abc\r\nX-Injected: 1", "\t"),
    "c1_controls": ("\x80\x85\x8d\x9b\x9f", "Abcdefg1\x85"),
    "bidi_controls": ("\u202eAbcdefg1\u202c", "\u2066evil\u2069", "\u200f\u200e\u061c",
                      "\u202d0551234567\u202c"),
    "zero_width": ("\u200b", "Abcd\u200defg1", "\ufeff0551234567", "\u2060\u180e\u200c"),
    "combining_marks": ("a" + "\u0301" * 300, "Z\u0336\u0337\u0338\u20dd\u0489",
                        "\u0651\u0650" * 40, "\u0300"),
    "fullwidth_digits": ("１２３４５", "０５５１２３４５６７", "１２３４５６"),
    "arabic_indic_digits": ("١٢٣٤٥", "٠٥٥١٢٣٤٥٦٧", "۱۲۳۴۵۶", "١٢٣٤٥٦"),
    "other_digits": ("१२३४५६", "𝟏𝟐𝟑𝟒𝟓", "¹²³⁴⁵⁶", "①②③④⑤"),
    "emoji": ("😀", "👨\u200d👩\u200d👧\u200d👦", "🇸🇦", "1\ufe0f\u20e32\ufe0f\u20e3"),
    "unicode_case": ("ǅ", "ß", "Straße12345", "ﬃ", "İstanbul1", "ΐ", "Ⅻ12345678",
                     "ǄǅǆAbcdefg1"),
    "lone_surrogates": ("\ud800", "Abc\udfff", "\udc80\udcff1"),
    "invalid_utf8": (b"\xff\xfe", b"Abc\xc3", b"\xed\xa0\x80", b"\xc0\xaf",
                     b"\xf8\x88\x80\x80\x80"),
    "whitespace": ("", " ", "\u00a0", "\u3000", "\u2028\u2029"),
    "injection": ("<script>alert(1)</script>", "'\"><img src=x>", "{{7*7}}{%raw%}",
                  "%(code)s %s %n", "'; DROP TABLE accounts;--", "../../etc/passwd",
                  "javascript:alert(1)", "\\"),
    "numbers": ("-1", "1e309", "NaN", "9" * 400, "0x1A", "+966 55 123 4567"),
    "noncharacters": ("\ufffe\uffff", "\U0010ffff", "\ue000", "\ufffd"),
    # 10k-60k characters, kept under the app's 64 KiB body limit once percent-encoded.
    "overlong": ("A" * 60_000, "ش" * 10_000, "😀" * 5_000, "a\u0301" * 8_000),
}
CLASSES = tuple(HOSTILE)
CATALOG = tuple((name, value) for name, values in HOSTILE.items() for value in values)

# (unit, most repeats that stay under the limit when percent-encoded)
LONG_UNITS = (("A", 60_000), ("7", 60_000), ("ش", 10_000), ("\u0301", 10_000),
              ("😀", 5_000), ("a\u200b", 6_500))


def sweep_value(cls: str, turn: int) -> Value:
    values = HOSTILE[cls]
    return values[turn % len(values)]


hostile_values = st.one_of(
    st.sampled_from(CATALOG),
    st.sampled_from(CATALOG),
    st.sampled_from(LONG_UNITS).flatmap(lambda unit: st.integers(
        min(10_000, unit[1]), unit[1]).map(lambda n, u=unit[0]: ("overlong", u * n))),
    st.text(max_size=40).map(lambda text: ("random_text", text)),
    st.binary(max_size=40).map(lambda raw: ("random_bytes", raw)),
)

# JSON values a form field never holds: they reach WTForms when the body is JSON.
JSON_ODDITIES: tuple[tuple[str, object], ...] = (
    ("number", 5), ("float", 1.5e308), ("bool", True), ("null", None), ("list", ["a", "b"]),
    ("empty_list", []), ("object", {"a": 1}), ("nested", [[1, 2]]), ("huge_int", 10 ** 4000),
    ("lone_surrogate", "\ud800"),
)
JSON_TOP_LEVEL: tuple[tuple[str, bytes], ...] = (
    ("array", b"[]"), ("pairs", b'[["csrf_token", "x"], ["a", "b"]]'), ("string", b'"text"'),
    ("number", b"1"), ("null", b"null"), ("truncated", b'{"a": '), ("deep_nesting", b"[" * 50_000),
    ("invalid_utf8", b'{"a": "\xff\xfe"}'), ("surrogate_escape", b'{"a": "\\ud800\\udbff"}'),
    ("duplicate_keys", b'{"a": "1", "a": "2"}'),
)

# Reserved names url_for reads, the app's own query names, and an open-redirect attempt.
QUERY_NAMES = ("_anchor", "_method", "_scheme", "_external", "lang_code", "page", "expired",
               "q", "without_visual_code",
               "kind", "since", "until", "after", "event")
QUERY_ODDITIES: dict[str, tuple[str, ...]] = {
    "_anchor": ("x", "top\u202e"), "_method": ("DELETE", "GET"), "_scheme": ("javascript", ""),
    "_external": ("1", "true"), "lang_code": ("xx", "ar"),
    "page": ("/\\evil.example", "//evil.example/", "https://evil.example/", "/en/register"),
    "expired": ("1", "١"), "q": ("<script>", "%"), "without_visual_code": ("1", "true"),
    "kind": ("sign_ins", "x" * 5000), "since": ("٢٠٢٦-٠١-٠١", "2026-02-30"),
    "until": ("0000-00-00", "9" * 400), "after": ("1.1", "99999999999999999.1"),
    "event": ("-1", "1e9"),
}

ACCEPT_LANGUAGE = ("xx;q=abc,,;;*;q=-1", "ar," * 3000, "ar\x00en", "en;q=1e309, ar;q=NaN",
                   "*, *-*, x-klingon", "\u202ear", "ÿþ", "en-" + "a" * 300, ";q=1")
HEADER_ODDITIES: tuple[tuple[str, Value], ...] = (
    *(("Accept-Language", value) for value in ACCEPT_LANGUAGE),
    ("HX-Request", "true"), ("HX-Request", "TRUE"), ("HX-Request", "\x00"),
    ("HX-Current-URL", "javascript:alert(1)"), ("HX-Target", "\x00\u202e"),
    ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-For", "1.2.3.4, \x00, not-an-ip"),
    ("X-Forwarded-Proto", "javascript"), ("X-Forwarded-Prefix", "/evil"),
    ("If-None-Match", 'W/"x", *, "\xff"'), ("If-Modified-Since", "Mon, 99 Foo 9999 99:99:99"),
    ("Accept-Encoding", "br;q=abc, gzip;q=NaN, *;q=-1"), ("Range", "bytes=99999999-, -0, a-b"),
    ("Accept", "application/json;q=x, */*"), ("Referer", "https://evil.example/\u202e"),
    ("User-Agent", "\x00" + "A" * 8000), ("Origin", "null"), ("X-CSRFToken", "\x00garbage"),
    ("Cookie", "absher_session=garbage"), ("Cookie", "absher_session=" + "A" * 4000),
    ("Cookie", "absher_lang=\u202een; absher_lang=xx"), ("Cookie", "=;;=;absher_session"),
    ("Cookie", b"absher_session=\xff\xfe; absher_lang=\xd8\xb9"),
    ("Cookie", "absher_session=e30.Zm9v.YmFy; session=x"),
)


# --- encoding ------------------------------------------------------------------------------

def octets(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def json_text(value: Value) -> str:
    # Raw bytes travel as lone surrogates: JSON escapes them as \udcXX.
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def header_text(value: Value) -> str:
    """What a WSGI server hands the app for these octets (latin-1, one line)."""
    return octets(value).decode("latin-1").replace("\r", " ").replace("\n", " ")


def quoted(value: Value) -> str:
    return quote_from_bytes(octets(value), safe="")


def urlencoded(pairs: list[tuple[Value, object]]) -> bytes:
    return "&".join(f"{quoted(name)}={quoted(value)}" for name, value in pairs).encode()


BOUNDARY = b"fuzz-7MA4YWxkTrZu0gW-boundary"


def multipart(pairs: list[tuple[Value, object]], file_field: str | None = None) -> bytes:
    parts = []
    for name, value in pairs:
        disposition = b'form-data; name="' + octets(name).replace(b'"', b"%22") + b'"'
        if name == file_field:
            disposition += b'; filename="\xe2\x80\xaeevil.txt"'
        parts.append(b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition
                     + b"\r\n\r\n" + octets(value) + b"\r\n")
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


FORM = "application/x-www-form-urlencoded"
BODY_ENCODINGS = ("urlencoded", "multipart", "multipart_file", "json", "json_no_header",
                  "text_plain", "utf16", "utf16_no_header", "no_content_type",
                  "raw_octets", "charset_garbage", "multipart_no_boundary",
                  "multipart_truncated", "oversize")


def encode_body(pairs: list[tuple[Value, object]], encoding: str, csrf: str | None
                ) -> tuple[bytes, str | None, dict[str, str]]:
    """The body, its Content-Type and any extra header, for one way of sending the pairs."""
    token_header = {"X-CSRFToken": csrf} if csrf else {}
    if encoding == "urlencoded":
        return urlencoded(pairs), FORM, {}
    if encoding == "multipart":
        return multipart(pairs), f"multipart/form-data; boundary={BOUNDARY.decode()}", {}
    if encoding == "multipart_file":
        names = [name for name, _ in pairs if name != "csrf_token"]
        return (multipart(pairs, file_field=names[0] if names else None),
                f"multipart/form-data; boundary={BOUNDARY.decode()}", {})
    if encoding in ("json", "json_no_header"):
        body = json.dumps({json_text(name): value if not isinstance(value, str | bytes)
                           else json_text(value) for name, value in pairs}).encode()
        return body, "application/json", token_header if encoding == "json" else {}
    if encoding == "text_plain":
        lines = b"\r\n".join(octets(name) + b"=" + octets(value) for name, value in pairs)
        return lines, "text/plain", {}
    if encoding in ("utf16", "utf16_no_header"):
        text = "&".join(f"{json_text(name)}={json_text(value)}" for name, value in pairs)
        return (text.encode("utf-16", "surrogatepass"), f"{FORM}; charset=utf-16",
                token_header if encoding == "utf16" else {})
    if encoding == "no_content_type":
        return urlencoded(pairs), None, {}
    if encoding == "raw_octets":  # not percent-encoded at all, as a broken client might
        return b"&".join(octets(name) + b"=" + octets(value) for name, value in pairs), FORM, {}
    if encoding == "charset_garbage":
        return urlencoded(pairs), f'{FORM}; charset="x\x7f"; charset=utf-16; =', {}
    if encoding == "multipart_no_boundary":
        return multipart(pairs), "multipart/form-data", {}
    if encoding == "multipart_truncated":
        body = multipart(pairs)
        return body[: len(body) // 2], f"multipart/form-data; boundary={BOUNDARY.decode()}", {}
    if encoding == "oversize":  # over MAX_CONTENT_LENGTH: a translated 413
        return urlencoded([*pairs, ("padding", "A" * 70_000)]), FORM, {}
    raise ValueError(encoding)


# --- checking answers ----------------------------------------------------------------------

HTML_LANG = re.compile(r'<html\b[^>]*\blang="(?:ar|en)"')
BINARY_ENDPOINTS = {"visual_code.image": "image/png", "visual_code.audio": "audio/wav",
                    "data_rights.download": "application/zip"}
FRAGMENT_ENDPOINTS = {"visual_code.refresh"}
OUR_HOSTS = {"", "localhost", "127.0.0.1"}


def off_site(url: str) -> bool:
    if url.startswith(("//", "/\\")) or "\\" in url.split("?")[0]:
        return True
    parts = urlsplit(url)
    return parts.scheme not in ("", "http", "https") or (parts.hostname or "") not in OUR_HOSTS


def relative(filename: str) -> str:
    root = str(PROJECT_ROOT) + "/"
    return filename[len(root):] if filename.startswith(root) else filename.rsplit("/", 2)[-1]


def exception_cause(exc: BaseException) -> tuple[str, str]:
    """(the exception's type and the deepest line of ours it passed, its message)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if frame.filename.startswith(str(PROJECT_ROOT))
            and "/.venv/" not in frame.filename and "/site-packages/" not in frame.filename]

    def place(frame: traceback.FrameSummary) -> str:
        return f"{relative(frame.filename)}:{frame.lineno} in {frame.name}"

    key = f"{type(exc).__name__} at {place((ours or frames)[-1]) if frames else '?'}"
    message = str(exc)[:200]
    if frames and ours and ours[-1] is not frames[-1]:
        message += f" (raised in {place(frames[-1])})"
    return key, message


@dataclass
class Findings:
    """Failures by cause, then by (route, input class), with one example each."""

    by_cause: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    def add(self, cause: str, message: str, where: str, label: str, example: str) -> None:
        self.messages.setdefault(cause, message)
        self.by_cause.setdefault(cause, {}).setdefault((where, label), example)

    def report(self, title: str, requests: int, seconds: float) -> str:
        total = sum(len(hits) for hits in self.by_cause.values())
        lines = [f"{title}: {len(self.by_cause)} causes, {total} (route, input class) pairs "
                 f"failed in {requests} requests ({seconds:.0f} s)"]
        for cause, hits in sorted(self.by_cause.items()):
            lines.append(f"\n* {cause}")
            if self.messages[cause]:
                lines.append(f"  {self.messages[cause]}")
            ordered = sorted(hits.items())
            for (where, label), _ in ordered[:15]:
                lines.append(f"    {where}  <- {label}")
            if len(ordered) > 15:
                lines.append(f"    ... and {len(ordered) - 15} more")
            lines.append(f"  e.g. {ordered[0][1]}")
        return "\n".join(lines)


def describe_request(method: str, url: str, headers: dict, body: bytes | None) -> str:
    shown = {name: value[:60] for name, value in headers.items()}
    text = f"{method} {url[:200]}"
    if shown:
        text += f" headers={shown!r}"
    if body:
        text += f" body={body[:240]!r}{'...' if len(body) > 240 else ''} ({len(body)} bytes)"
    return text


# --- the harness ---------------------------------------------------------------------------

@dataclass
class Visitor:
    """One browser: a test client with its cookies, and where it is in a journey."""

    kind: str
    client: object
    account: object = None
    mobile: str | None = None  # E.164: where this visitor's codes are sent
    password: str = PASSWORD


class Harness:
    def __init__(self, app, make_account, make_person, sms_outbox, caplog) -> None:
        self.app, self.make_account, self.make_person = app, make_account, make_person
        self.sms, self.caplog = sms_outbox, caplog
        # Production behaviour: an exception becomes the 500 page and a logged traceback.
        app.config["PROPAGATE_EXCEPTIONS"] = False
        for name, value in list(app.config.items()):
            if name.startswith("RATELIMIT_") and isinstance(value, str) and " per " in value:
                app.config[name] = "1000000 per minute"
            if name.startswith("SMS_CODES_PER"):
                app.config[name] = RANGES[name][1]  # the most the settings check allows
        with app.app_context():
            limiter.reset()
        caplog.set_level(logging.WARNING)
        self.logger_state: tuple | None = None
        self.policy = CaptchaPolicy(app.config["SECRET_KEY"],
                                    app.config.get("CAPTCHA_FIXED_ANSWER"))
        self.numbers = itertools.count(1)
        self.visitors: dict[str, Visitor] = {}
        self.findings = Findings()
        self.requests = 0
        self.started = time.monotonic()
        self.endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
        self.victim = make_account(state=ActivationState.NOT_ACTIVATED)
        self.officer_victim = add_officer(self.app, username="fuzz.victim")
        self.queued = self.queue_a_request()
        self.send_a_ticket()
        self.people = [make_person() for _ in range(3)]

    # -- one hostile request, checked ------------------------------------------------------

    def send(self, client, method: str, url: str, *, where: str, label: str,
             body: bytes | None = None, content_type: str | None = None,
             headers: dict[str, str] | None = None):
        headers = dict(headers or {})
        self.route_logs_to_caplog()
        self.requests += 1
        before = len(self.caplog.records)
        example = describe_request(method, url, headers, body)
        try:
            response = client.open(url, method=method, data=body, content_type=content_type,
                                   headers=headers)
        except Exception as error:  # escaped the app's error handling: a bare 500
            cause, message = exception_cause(error)
            self.findings.add(f"escaped the app: {cause}", message, where, label, example)
            return None
        tracebacks = [record.exc_info[1] for record in self.caplog.records[before:]
                      if record.levelno >= logging.ERROR and record.exc_info
                      and record.exc_info[1] is not None]
        for error in tracebacks:
            cause, message = exception_cause(error)
            self.findings.add(f"{response.status_code}, logged {cause}", message, where, label,
                              example)
        for problem in self.problems(response, method, url, where,
                                     htmx=headers.get("HX-Request") == "true"):
            if tracebacks and problem.startswith("status "):
                continue  # already named, with its traceback
            detail = ""
            if response.status_code >= 500:
                logged = [r.getMessage() for r in self.caplog.records[before:]]
                detail = "; ".join(logged)[:200]
            self.findings.add(problem, detail, where, label, example)
        return response

    def problems(self, response, method: str, url: str, where: str, htmx: bool) -> list[str]:
        status = response.status_code
        found = [f"status {status}"] if status >= 500 else []
        endpoint = self.endpoints.get(where.split(" ", 1)[-1])
        if method == "OPTIONS" and status == 200 and not response.get_data():
            return found  # Flask's own answer: the Allow header, no body, no view run
        if status == 200 and (endpoint in BINARY_ENDPOINTS or endpoint == "static"):
            if endpoint in BINARY_ENDPOINTS and response.mimetype != BINARY_ENDPOINTS[endpoint]:
                found.append(f"{endpoint} answered {response.mimetype}")
            return found
        body = response.get_data()
        encoding = response.headers.get("Content-Encoding", "")
        try:
            body = {"br": brotli.decompress, "gzip": gzip.decompress}.get(
                encoding, lambda raw: raw)(body)
        except Exception:  # noqa: BLE001 (any decoder error means a body nobody can read)
            found.append(f"Content-Encoding {encoding} body does not decode")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            found.append("answer is not valid UTF-8")
            text = body.decode("utf-8", "replace")
        if method in ("HEAD", "OPTIONS") or status in (204, 304):
            return found
        for header in ("Location", "HX-Redirect"):
            target = response.headers.get(header)
            if target is not None and off_site(target):
                found.append(f"{header} leads off the site")
        if 300 <= status < 400:
            if "Location" not in response.headers:
                found.append(f"{status} without a Location")
            return found
        path = urlsplit(url).path
        if path.startswith("/api/"):
            if response.mimetype != "application/json":
                return [*found, f"API answered {response.mimetype or 'no content type'}"]
            try:
                parsed = json.loads(text)
            except ValueError:
                return [*found, "API answer is not JSON"]
            if status >= 400 and not (isinstance(parsed, dict)
                                      and isinstance(parsed.get("error"), dict)):
                found.append(f"API {status} without an 'error' object")
            return found
        if path in OPERATOR_PATHS:  # health and metrics answer JSON or Prometheus text
            if response.mimetype not in ("application/json", "text/plain"):
                found.append(f"{path} answered {response.mimetype or 'no content type'}")
            return found
        if response.mimetype != "text/html":
            return [*found, f"{status} answered {response.mimetype or 'no content type'}, "
                            "not a page"]
        if htmx or endpoint in FRAGMENT_ENDPOINTS:
            if not text.strip() and "HX-Redirect" not in response.headers:
                found.append(f"htmx {status}: empty answer without HX-Redirect")
        elif not HTML_LANG.search(text):
            found.append(f"{status} page without <html lang=\"ar|en\">")
        return found

    def route_logs_to_caplog(self) -> None:
        """The app's log records go to caplog only (this test phase's handler): every
        traceback is checked and named in the report, and the output is not buried under
        hundreds of them."""
        if self.logger_state is None:
            logger = logging.getLogger(self.app.import_name)
            self.logger_state = (logger, logger.propagate, list(logger.handlers))
            logger.handlers[:] = [self.caplog.handler]
            logger.propagate = False

    def restore_logging(self) -> None:
        if self.logger_state is not None:
            logger, propagate, handlers = self.logger_state
            logger.handlers[:] = handlers
            logger.propagate = propagate

    def report(self, title: str) -> None:
        seconds = time.monotonic() - self.started
        print(f"\n{title}: {self.requests} requests in {seconds:.1f} s")
        if self.findings.by_cause:
            pytest.fail(self.findings.report(title, self.requests, seconds), pytrace=False)

    # -- the ordinary journey, to reach the later steps ---------------------------------

    def step(self, visitor: Visitor, method: str, url: str, expect: tuple[int, ...],
             what: str, data: dict | None = None):
        self.requests += 1
        response = visitor.client.open(url, method=method, data=data)
        if response.status_code not in expect:
            raise AssertionError(
                f"fuzz set-up could not {what}: {method} {url} answered "
                f"{response.status_code}, not {expect}:\n"
                f"{response.get_data(as_text=True)[:600]}")
        return response

    def number(self) -> int:
        return next(self.numbers)

    def fresh_mobile(self) -> str:
        return f"059{self.number():07d}"

    def code_for(self, mobile: str | None) -> str:
        try:
            return self.sms.last_code(mobile)
        except (AssertionError, AttributeError):
            return "000000"

    def new_visitor(self, kind: str = "anonymous") -> Visitor:
        return Visitor(kind, self.app.test_client())

    def give_decorum_violation(self, holder_id: str) -> None:
        """A public decorum violation of the holder's (FUZZ_VIOLATION), recorded today: its
        pay and objection forms reach the rules. A rebuilt holder takes it over."""
        from sqlalchemy import delete

        from absher_web.models import DecorumStatus, DecorumViolation, StaffUser

        with self.app.app_context(), db.transaction() as session:
            session.execute(delete(DecorumViolation).where(
                DecorumViolation.number == FUZZ_VIOLATION))
            now = utcnow()
            session.add(DecorumViolation(
                number=FUZZ_VIOLATION, national_id=holder_id, article="10", repeat=False,
                fine=5000, city="الرياض", place="Riyadh Park mall", occurred_at=now,
                recorded_at=now, recorded_by=session.get(StaffUser, self.officer_victim.id).id,
                status=DecorumStatus.UNPAID, changed_at=now))

    def give_premium_residency(self, holder_id: str) -> None:
        """The holder's permanent Premium Residency: the visit visa forms reach the rules."""
        from datetime import date

        from absher_web.agencies import premium_residencies
        from absher_web.models import PremiumKind, PremiumStatus

        with self.app.app_context(), db.transaction() as session:
            premium_residencies.import_residencies(session, [premium_residencies.PremiumEntry(
                holder_id, f"PR-FUZZ-{holder_id}", PremiumKind.PERMANENT, date(2024, 1, 1),
                None, PremiumStatus.ACTIVE)])

    def publish_job_opening(self) -> None:
        """One open job opening (FUZZ_OPENING) for Saudis of 18 to 60: the application form
        reaches the rules."""
        from datetime import timedelta

        from absher_web.agencies import job_openings
        from absher_web.dates import local_today
        from absher_web.models import JobRegion, JobSector, Qualification

        with self.app.app_context(), db.transaction() as session:
            if job_openings.opening_numbered(session, FUZZ_OPENING) is None:
                job_openings.import_openings(session, [job_openings.OpeningEntry(
                    FUZZ_OPENING, "جندي", "Soldier", JobSector.PUBLIC_SECURITY,
                    JobRegion.RIYADH, Qualification.SECONDARY,
                    local_today() + timedelta(days=30), 18, 60, True, None, "", "")])

    def give_birth(self, father_id: str) -> None:
        """The one fuzzed birth notification (FUZZ_BIRTH) names this father now, and is
        not registered yet: the birth registration forms reach the service."""
        from datetime import date

        from sqlalchemy import delete, select

        from absher_web.models import BirthNotification, ServiceRequest, Sex

        with self.app.app_context(), db.transaction() as session:
            session.execute(delete(ServiceRequest).where(
                ServiceRequest.request_key == FUZZ_BIRTH))
            found = session.scalars(select(BirthNotification).where(
                BirthNotification.number == FUZZ_BIRTH)).first()
            if found is None:
                found = BirthNotification(number=FUZZ_BIRTH, mother_id=self.people[0],
                                          hospital="مستشفى", birth_date=date(2026, 11, 1),
                                          sex=Sex.MALE)
                session.add(found)
            found.father_id, found.child_id = father_id, None

    def sign_in(self, visitor: Visitor, account) -> None:
        page = self.step(visitor, "GET", "/en/individuals/login", (200,), "open sign-in")
        self.step(visitor, "POST", "/en/individuals/login", (303,), "enter a password",
                  {"csrf_token": hidden(page, "csrf_token"), "identifier": account.username,
                   "password": PASSWORD})
        page = self.step(visitor, "GET", "/en/individuals/login/code", (200,), "open code step")
        self.step(visitor, "POST", "/en/individuals/login/code", (303,), "enter the code",
                  {"csrf_token": hidden(page, "csrf_token"),
                   "code": self.sms.last_code(account.mobile)})
        visitor.account, visitor.mobile = account, account.mobile

    def start_registration(self, visitor: Visitor) -> None:
        page = self.step(visitor, "GET", "/en/register", (200,), "open registration")
        n, mobile = self.number(), self.fresh_mobile()
        token = hidden(page, "captcha_token")
        self.step(visitor, "POST", "/en/register", (303,), "register", {
            "csrf_token": hidden(page, "csrf_token"), "national_id": self.make_person(),
            "mobile": mobile, "username": f"Fuzzer{n:05d}", "password": STRONG_PASSWORD,
            "confirm_password": STRONG_PASSWORD, "email": f"fuzzer{n}@example.com",
            "confirm_email": f"fuzzer{n}@example.com", "preferred_language": "en",
            "captcha_token": token, "captcha_answer": answer_for(self.policy, token),
            "accept_terms": "y"})
        visitor.mobile = normalise_mobile(mobile)

    def recover_to(self, visitor: Visitor, last: str) -> None:
        account = self.make_account()
        visitor.account, visitor.mobile = account, account.mobile
        page = self.step(visitor, "GET", "/en/recover", (200,), "open recovery")
        token = hidden(page, "captcha_token")
        self.step(visitor, "POST", "/en/recover", (303,), "start recovery", {
            "csrf_token": hidden(page, "csrf_token"), "national_id": account.national_id,
            "mobile": account.mobile, "captcha_token": token,
            "captcha_answer": answer_for(self.policy, token)})
        steps = [("question", {"question": "first_school",
                               "answer": SECURITY_ANSWERS["first_school"]}),
                 ("code", {"code": None}),
                 ("new-password", {"password": OTHER_PASSWORD,
                                   "confirm_password": OTHER_PASSWORD})]
        for name, data in steps:
            if name == last:
                return
            page = self.step(visitor, "GET", f"/en/recover/{name}", (200,), f"open {name}")
            if "code" in data:
                data = {"code": self.sms.last_code(account.mobile)}
            self.step(visitor, "POST", f"/en/recover/{name}", (303,), f"answer {name}",
                      {"csrf_token": hidden(page, "csrf_token"), **data})

    def build(self, kind: str) -> Visitor:
        """A new visitor at the named place of a journey."""
        visitor = self.new_visitor(kind)
        if kind == "anonymous":
            return visitor
        if kind == "father":
            account = self.make_account(state=ActivationState.ACTIVE)
            self.sign_in(visitor, account)
            self.give_birth(account.national_id)
            return visitor
        if kind == "job_seeker":
            self.sign_in(visitor, self.make_account(state=ActivationState.ACTIVE))
            self.publish_job_opening()
            return visitor
        if kind == "premium_holder":
            account = self.make_account(first_digit="2", state=ActivationState.ACTIVE)
            self.sign_in(visitor, account)
            self.give_premium_residency(account.national_id)
            return visitor
        if kind == "decorum_holder":
            account = self.make_account(state=ActivationState.ACTIVE)
            self.sign_in(visitor, account)
            self.give_decorum_violation(account.national_id)
            return visitor
        if kind == "decorum_officer":
            officer = add_officer(self.app, username=f"fuzz.decorum{self.number()}",
                                  roles=("decorum_officer", "objections_committee"),
                                  city="Riyadh")
            page = self.step(visitor, "GET", "/en/staff/sign-in", (200,), "open console")
            self.step(visitor, "POST", "/en/staff/sign-in", (303,), "sign in an officer",
                      {"csrf_token": hidden(page, "csrf_token"), "username": officer.username,
                       "password": OFFICER_PASSWORD})
            return visitor
        if kind in ("citizen", "changing_mobile"):
            self.sign_in(visitor, self.make_account(state=ActivationState.ACTIVE))
            if kind == "changing_mobile":
                page = self.step(visitor, "GET", "/en/account/mobile", (200,), "open mobile")
                mobile = self.fresh_mobile()
                self.step(visitor, "POST", "/en/account/mobile", (303,), "change mobile",
                          {"csrf_token": hidden(page, "csrf_token"), "mobile": mobile})
                visitor.mobile = normalise_mobile(mobile)
        elif kind == "new_citizen":
            self.sign_in(visitor, self.make_account(with_questions=False))
        elif kind in ("officer", "officer_changing_mobile"):
            officer = add_officer(self.app, username=f"fuzz.officer{self.number()}",
                                  roles=("passports", "civil_affairs"), city="Riyadh")
            page = self.step(visitor, "GET", "/en/staff/sign-in", (200,), "open console")
            self.step(visitor, "POST", "/en/staff/sign-in", (303,), "sign in an officer",
                      {"csrf_token": hidden(page, "csrf_token"), "username": officer.username,
                       "password": OFFICER_PASSWORD})
            if kind == "officer_changing_mobile":
                page = self.step(visitor, "GET", "/en/staff/", (200,), "open the search")
                mobile = self.fresh_mobile()
                self.step(visitor, "POST", "/en/staff/mobile", (303,), "give a new number", {
                    "csrf_token": hidden(page, "csrf_token"),
                    "national_id": self.make_account().national_id, "mobile": mobile,
                    "look_reason": "holder_at_office", "fingerprints_verified": "y"})
                visitor.mobile = normalise_mobile(mobile)
        elif kind in ("registering", "registered"):
            self.start_registration(visitor)
            if kind == "registered":
                page = self.step(visitor, "GET", "/en/register/code", (200,), "open code")
                self.step(visitor, "POST", "/en/register/code", (303,), "finish registering",
                          {"csrf_token": hidden(page, "csrf_token"),
                           "code": self.sms.last_code(visitor.mobile)})
        elif kind == "signing_in":
            account = self.make_account()
            visitor.account, visitor.mobile = account, account.mobile
            page = self.step(visitor, "GET", "/en/individuals/login", (200,), "open sign-in")
            self.step(visitor, "POST", "/en/individuals/login", (303,), "enter a password",
                      {"csrf_token": hidden(page, "csrf_token"),
                       "identifier": account.username, "password": PASSWORD})
        elif kind.startswith("recover"):
            self.recover_to(visitor, RECOVERY_STOPS[kind])
        else:
            raise ValueError(kind)
        return visitor

    def queue_a_request(self) -> str:
        """A request waiting for a Civil Affairs officer of Riyadh (the fuzz officers')."""
        with self.app.app_context(), db.transaction() as session:
            made, _ = requests.submit(session, service=family_records.MOTHER_SERVICE,
                                      request_key=self.victim.national_id, account=self.victim,
                                      beneficiary_id=self.victim.national_id, now=utcnow(),
                                      office_city="الرياض")
            made.status, made.reason = RequestStatus.UNDER_REVIEW, "custody_unrecorded"
            made.number = QUEUED_NUMBER
            return made.number

    def send_a_ticket(self) -> None:
        """A Tahseen ticket waiting for a Civil Affairs officer of Riyadh (the fuzz
        officers'), numbered FUZZ_TICKET."""
        from absher_web.models import TahseenTicket, TicketKind, TicketStatus

        with self.app.app_context(), db.transaction() as session:
            session.add(TahseenTicket(number=FUZZ_TICKET, account_id=self.victim.id,
                                      kind=TicketKind.QUESTION, topic="births",
                                      text="When is the birth certificate ready?",
                                      status=TicketStatus.OPEN, office_city="الرياض",
                                      created_at=utcnow(), changed_at=utcnow()))

    def visitor(self, kind: str) -> Visitor:
        if kind not in self.visitors:
            self.visitors[kind] = self.build(kind)
        return self.visitors[kind]

    def at_page(self, kind: str, page_url: str, still_there: Callable[[str], bool] | None):
        """The visitor of this kind and the page it is on: rebuilt when hostile input moved
        it elsewhere (signed out, locked, finished the journey)."""
        for attempt in range(2):
            if kind == "anonymous":
                visitor = self.new_visitor()
            elif attempt:
                visitor = self.visitors[kind] = self.build(kind)
            else:
                visitor = self.visitor(kind)
            self.requests += 1
            page = visitor.client.get(page_url)
            text = page.get_data(as_text=True)
            if page.status_code == 200 and (still_there is None or still_there(text)):
                return visitor, text
        raise AssertionError(f"fuzz set-up: a fresh {kind} visitor cannot open {page_url}: "
                             f"{page.status_code}\n{text[:600]}")

    def cookie_header(self, kind: str) -> str:
        """The cookies of a visitor, to send by hand (GETs then change none of its state)."""
        if kind == "anonymous":
            return ""
        client = self.visitor(kind).client
        names = (self.app.config["SESSION_COOKIE_NAME"], self.app.config["LANGUAGE_COOKIE_NAME"])
        cookies = [client.get_cookie(name) for name in names]
        return "; ".join(f"{c.key}={c.value}" for c in cookies if c is not None)


RECOVERY_STOPS = {"recovering_question": "question", "recovering_code": "code",
                  "recovering_new_password": "new-password", "recovered": None}


def hidden(response_or_text, name: str) -> str:
    text = (response_or_text if isinstance(response_or_text, str)
            else response_or_text.get_data(as_text=True))
    for tag in re.findall(r"<input\b[^>]*>", text):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    raise AssertionError(f"no input named {name} on the page:\n{text[:600]}")


def maybe_hidden(text: str, name: str) -> str:
    try:
        return hidden(text, name)
    except AssertionError:
        return ""


@pytest.fixture
def harness(app, make_account, make_person, sms_outbox, caplog) -> Iterator[Harness]:
    harness = Harness(app, make_account, make_person, sms_outbox, caplog)
    yield harness
    harness.restore_logging()


# --- the forms -----------------------------------------------------------------------------

Baseline = Callable[[Harness, Visitor, str], list[tuple[str, Value]]]


QUEUED_NUMBER = "5028471937"
FUZZ_TICKET = "123456789015"  # a Tahseen ticket of Riyadh (Harness.send_a_ticket)
FUZZ_OPENING = "MOI-FUZZ-0001"  # Harness.publish_job_opening


@dataclass(frozen=True)
class FormSpec:
    name: str  # {number} in a path: the request Harness.queue_a_request put in the queue
    path: str  # with {lang}; the form posts here
    context: str  # the visitor kind that has this form in front of it
    baseline: Baseline  # valid values, so one hostile field reaches deep into the service
    page: str | None = None  # the page carrying the form, if not path itself
    still_there: Callable[[str], bool] | None = None

    def url(self, lang: str) -> str:
        return self.path.format(lang=lang, number=QUEUED_NUMBER)

    def page_url(self, lang: str) -> str:
        return (self.page or self.path).format(lang=lang, number=QUEUED_NUMBER)

    def rule(self) -> str:
        return "/<lang_code>" + self.path.split("?")[0].removeprefix("/{lang}").replace(
            "{number}", "<number>")


def captcha_pairs(h: Harness, page: str) -> list[tuple[str, Value]]:
    token = maybe_hidden(page, "captcha_token")
    answer = answer_for(h.policy, token) if token else ""
    return [("captcha_token", token), ("captcha_answer", answer)]


def register_baseline(h: Harness, v: Visitor, page: str) -> list[tuple[str, Value]]:
    n = h.number()
    return [("national_id", h.people[n % len(h.people)]), ("mobile", h.fresh_mobile()),
            ("username", f"Fuzzed{n:05d}"), ("password", STRONG_PASSWORD),
            ("confirm_password", STRONG_PASSWORD), ("email", f"fuzzed{n}@example.com"),
            ("confirm_email", f"fuzzed{n}@example.com"), ("preferred_language", "ar"),
            *captcha_pairs(h, page), ("accept_terms", "y")]


def new_password_pairs(prefix: str = "") -> Baseline:
    def pairs(h: Harness, v: Visitor, page: str) -> list[tuple[str, Value]]:
        return [(f"{prefix}password", OTHER_PASSWORD),
                (f"confirm_{prefix}password", OTHER_PASSWORD)]
    return pairs


def answers(with_password: bool) -> Baseline:
    def pairs(h: Harness, v: Visitor, page: str) -> list[tuple[str, Value]]:
        chosen = [item for n, (key, answer) in enumerate(SECURITY_ANSWERS.items(), 1)
                  for item in ((f"question_{n}", key), (f"answer_{n}", answer))]
        return [*chosen, ("password", v.password)] if with_password else chosen
    return pairs


def code_of_visitor(h: Harness, v: Visitor, page: str) -> list[tuple[str, Value]]:
    return [("code", h.code_for(v.mobile))]


def nothing(h: Harness, v: Visitor, page: str) -> list[tuple[str, Value]]:
    return []


def first_setup(text: str) -> bool:
    return 'name="question_1"' in text and 'name="password"' not in text


ANONYMOUS_FORMS = (
    FormSpec("register", "/{lang}/register", "anonymous", register_baseline),
    FormSpec("sign_in", "/{lang}/individuals/login", "anonymous",
             lambda h, v, page: [("identifier", h.victim.username), ("password", PASSWORD)]),
    FormSpec("recover", "/{lang}/recover", "anonymous",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("mobile", h.victim.mobile), *captcha_pairs(h, page)]),
    FormSpec("recover_without_visual_code", "/{lang}/recover?without_visual_code=1",
             "anonymous",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("mobile", h.victim.mobile), ("without_visual_code", "1")]),
    FormSpec("staff_sign_in", "/{lang}/staff/sign-in", "anonymous",
             lambda h, v, page: [("username", h.officer_victim.username),
                                 ("password", OFFICER_PASSWORD)]),
)

# The birth notification the birth registration forms are fuzzed on (Harness.give_birth).
FUZZ_BIRTH = "FUZZ-2026-0001"
FUZZ_VIOLATION = "5039182740"  # a public decorum violation of the decorum_holder's
DECORUM = "/{lang}/account/decorum-violations/" + FUZZ_VIOLATION


# A Premium Residency holder's visit visa request for a relative (valid values).
PREMIUM_VISA = {"relation": "mother", "name_ar": "فاطمة علي حسن",
                "name_en": "Fatima Ali Hassan", "nationality": "EGY",
                "passport": "A12345678", "purpose": "family_visit", "entry": "single",
                "days": "30"}


def birth_form_shown(text: str) -> bool:
    """The birth's name form is still there (not yet registered by an earlier post)."""
    return 'name="first_name_ar"' in text

STEP_FORMS = (
    FormSpec("registration_code", "/{lang}/register/code", "registering", code_of_visitor),
    FormSpec("registration_resend", "/{lang}/register/code/resend", "registering", nothing,
             page="/{lang}/register/code"),
    FormSpec("sign_in_code", "/{lang}/individuals/login/code", "signing_in", code_of_visitor),
    FormSpec("sign_in_resend", "/{lang}/individuals/login/code/resend", "signing_in", nothing,
             page="/{lang}/individuals/login/code"),
    FormSpec("recovery_question", "/{lang}/recover/question", "recovering_question",
             lambda h, v, page: [("question", "first_school"),
                                 ("answer", SECURITY_ANSWERS["first_school"])]),
    FormSpec("recovery_code", "/{lang}/recover/code", "recovering_code", code_of_visitor),
    FormSpec("recovery_resend", "/{lang}/recover/code/resend", "recovering_code", nothing,
             page="/{lang}/recover/code"),
    FormSpec("recovery_new_password", "/{lang}/recover/new-password",
             "recovering_new_password", new_password_pairs()),
)

RESIDENCY = "/{lang}/account/services/residency-and-visas"
SIGNED_IN_FORMS = (
    FormSpec("change_password", "/{lang}/account/password", "citizen",
             lambda h, v, page: [("current_password", v.password),
                                 *new_password_pairs("new_")(h, v, page)]),
    FormSpec("change_mobile", "/{lang}/account/mobile", "citizen",
             lambda h, v, page: [("mobile", h.fresh_mobile())]),
    FormSpec("mobile_code", "/{lang}/account/mobile/code", "changing_mobile", code_of_visitor),
    FormSpec("mobile_resend", "/{lang}/account/mobile/code/resend", "changing_mobile", nothing,
             page="/{lang}/account/mobile/code"),
    FormSpec("change_email", "/{lang}/account/email", "citizen",
             lambda h, v, page: [("email", f"new{h.number()}@example.com"),
                                 ("confirm_email", "")]),
    FormSpec("change_language", "/{lang}/account/language", "citizen",
             lambda h, v, page: [("preferred_language", "en")]),
    FormSpec("security_questions", "/{lang}/account/security-questions", "citizen",
             answers(with_password=True)),
    FormSpec("security_questions_first", "/{lang}/account/security-questions", "new_citizen",
             answers(with_password=False), still_there=first_setup),
    FormSpec("sign_out", "/{lang}/individuals/sign-out", "citizen", nothing,
             page="/{lang}/account/"),
    FormSpec("sign_out_everywhere", "/{lang}/individuals/sign-out-everywhere", "citizen",
             nothing, page="/{lang}/account/"),
    FormSpec("fingerprint_enquiry", "/{lang}/account/services/fingerprint", "citizen",
             nothing),
    FormSpec("vehicles_enquiry", "/{lang}/account/services/vehicles", "citizen", nothing),
    FormSpec("vehicles_pay", "/{lang}/account/services/vehicles/pay", "citizen",
             lambda h, v, page: [("item", "1")], page="/{lang}/account/services/vehicles"),
    FormSpec("foreign_vehicle_enquiry", "/{lang}/account/services/foreign-vehicle-violations",
             "citizen", lambda h, v, page: [("country", "BHR"), ("plate", "12345")]),
    FormSpec("workers_and_visitors_enquiry", "/{lang}/account/services/workers-and-visitors",
             "citizen", nothing),
    FormSpec("health_insurance_enquiry", "/{lang}/account/services/health-insurance",
             "citizen", nothing),
    FormSpec("driving_authorisation", "/{lang}/account/services/driving-authorisations",
             "citizen", lambda h, v, page: [("vehicle", "1"),
                                            ("national_id", h.victim.national_id),
                                            ("until", "2030-01-31")]),
    *(FormSpec(f"driving_{action}",
               f"/{{lang}}/account/services/driving-authorisations/{action}", "citizen",
               lambda h, v, page: [("item", "1")],
               page="/{lang}/account/services/driving-authorisations")
      for action in ("accept", "decline", "cancel")),
    FormSpec("visa_extension_check", "/{lang}/account/services/visit-visa-extension",
             "citizen", lambda h, v, page: [("item", "1")]),
    FormSpec("visa_extension_confirm", "/{lang}/account/services/visit-visa-extension/confirm",
             "citizen", lambda h, v, page: [("item", "1"), ("new_expiry", "2030-01-31")],
             page="/{lang}/account/services/visit-visa-extension"),
    FormSpec("residency_visa_check", RESIDENCY, "citizen",
             lambda h, v, page: [("person", "2123456788"), ("kind", "single"),
                                 ("by", "months"), ("months", "3"), ("until", "2030-01-31")]),
    *(FormSpec(f"residency_{action}", RESIDENCY + "/" + action, "citizen", fields,
               page=RESIDENCY)
      for action, fields in (
          ("confirm", lambda h, v, page: [("person", "2123456788"), ("kind", "single"),
                                          ("until", "2030-01-31"), ("fee", "20000")]),
          ("extend", lambda h, v, page: [("item", "1"), ("months", "1")]),
          ("extend-confirm", lambda h, v, page: [("item", "1"), ("months", "1"),
                                                 ("until", "2030-01-31")]),
          ("cancel", lambda h, v, page: [("item", "1")]),
          ("renew", lambda h, v, page: [("person", "2123456788"), ("years", "1")]),
          ("renew-confirm", lambda h, v, page: [("person", "2123456788"), ("years", "1"),
                                                ("until", "2030-01-31")]),
          ("final-exit", lambda h, v, page: [("person", "2123456788")]),
          ("final-exit-confirm", lambda h, v, page: [("person", "2123456788"),
                                                     ("until", "2030-01-31")]))),
    FormSpec("absence_report", "/{lang}/account/services/domestic-worker-absence", "citizen",
             lambda h, v, page: [("item", "1"), ("last_seen", "2026-01-31")]),
    FormSpec("absence_withdraw", "/{lang}/account/services/domestic-worker-absence/withdraw",
             "citizen", lambda h, v, page: [("item", "1")],
             page="/{lang}/account/services/domestic-worker-absence"),
    FormSpec("birth_name", "/{lang}/account/family/births/" + FUZZ_BIRTH, "father",
             lambda h, v, page: [("first_name_ar", "سعد"), ("first_name_en", "Saad"),
                                 ("delivery", "post")], still_there=birth_form_shown),
    FormSpec("birth_confirm", "/{lang}/account/family/births/" + FUZZ_BIRTH + "/confirm",
             "father", lambda h, v, page: [("first_name_ar", "سعد"), ("first_name_en", "Saad"),
                                           ("delivery", "post"), ("total", "3000")],
             page="/{lang}/account/family/births/" + FUZZ_BIRTH, still_there=birth_form_shown),
    FormSpec("birth_new_bill", "/{lang}/account/family/births/" + FUZZ_BIRTH + "/bill",
             "father", nothing, page="/{lang}/account/family/births/" + FUZZ_BIRTH),
    FormSpec("premium_visa_check", "/{lang}/account/premium-residency/visas",
             "premium_holder", lambda h, v, page: list(PREMIUM_VISA.items())),
    FormSpec("premium_visa_confirm", "/{lang}/account/premium-residency/visas/confirm",
             "premium_holder", lambda h, v, page: [*PREMIUM_VISA.items(), ("fee", "30000")],
             page="/{lang}/account/premium-residency/visas"),
    FormSpec("job_apply", "/{lang}/account/jobs/" + FUZZ_OPENING + "/apply", "job_seeker",
             lambda h, v, page: [("qualification", "bachelor")]),
    FormSpec("staff_look_up", "/{lang}/staff/", "officer",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("look_reason", "other"), ("look_note", "Court order 12")]),
    FormSpec("staff_activate", "/{lang}/staff/activate", "officer",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("look_reason", "other"), ("look_note", "Court order 12"),
                                 ("fingerprints_verified", "y")], page="/{lang}/staff/"),
    FormSpec("staff_sign_out", "/{lang}/staff/sign-out", "officer", nothing,
             page="/{lang}/staff/"),
    FormSpec("staff_unlock", "/{lang}/staff/unlock", "officer",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("look_reason", "other"), ("look_note", "Court order 12"),
                                 ("fingerprints_verified", "y")], page="/{lang}/staff/"),
    FormSpec("staff_change_mobile", "/{lang}/staff/mobile", "officer",
             lambda h, v, page: [("national_id", h.victim.national_id),
                                 ("look_reason", "other"), ("look_note", "Court order 12"),
                                 ("mobile", h.fresh_mobile()), ("fingerprints_verified", "y")],
             page="/{lang}/staff/"),
    FormSpec("staff_mobile_code", "/{lang}/staff/mobile/code", "officer_changing_mobile",
             code_of_visitor),
    FormSpec("staff_mobile_resend", "/{lang}/staff/mobile/code/resend",
             "officer_changing_mobile", nothing, page="/{lang}/staff/mobile/code"),
    FormSpec("staff_open_request", "/{lang}/staff/civil-affairs/{number}", "officer",
             lambda h, v, page: [("look_reason", "other"), ("look_note", "Court order 12")]),
    FormSpec("data_rights_ask", "/{lang}/account/my-data/download/ask", "citizen", nothing,
             page="/{lang}/account/my-data/download"),
    FormSpec("data_rights_download", "/{lang}/account/my-data/download/file", "citizen",
             lambda h, v, page: [("password", v.password)],
             page="/{lang}/account/my-data/download"),
    FormSpec("staff_refuse_request", "/{lang}/staff/civil-affairs/{number}/refuse", "officer",
             lambda h, v, page: [("reason", "The custody deed is for another child.")],
             page="/{lang}/staff/civil-affairs/{number}"),
    FormSpec("staff_approve_request", "/{lang}/staff/civil-affairs/{number}/approve",
             "officer", nothing, page="/{lang}/staff/civil-affairs/{number}"),
    # Tahseen: a holder's ticket, an officer's answer.
    FormSpec("tahseen_send", "/{lang}/account/tahseen", "citizen",
             lambda h, v, page: [("kind", "complaint"), ("topic", "national_id"),
                                 ("text", "My ID card has waited three weeks.")]),
    FormSpec("staff_tahseen_answer", f"/{{lang}}/staff/tahseen/{FUZZ_TICKET}/answer",
             "officer", lambda h, v, page: [("outcome", "answer"),
                                            ("text", "It is ready at the Olaya office.")],
             page=f"/{{lang}}/staff/tahseen/{FUZZ_TICKET}"),
    FormSpec("decorum_pay", DECORUM + "/pay", "decorum_holder", nothing, page=DECORUM),
    FormSpec("decorum_object", DECORUM + "/object", "decorum_holder",
             lambda h, v, page: [("reason", "I was not there at that time; see my ticket.")],
             page=DECORUM),
    FormSpec("decorum_record", "/{lang}/staff/decorum/record", "decorum_officer",
             lambda h, v, page: [("national_id", h.victim.national_id), ("article", "10"),
                                 ("place", "Riyadh Park mall"),
                                 ("day", utcnow().strftime("%Y-%m-%d")), ("time", "00:01")]),
    FormSpec("inbox_read_all", "/{lang}/account/inbox/read-all", "citizen", nothing,
             page="/{lang}/account/"),
    # Devices and the security activity.
    FormSpec("device_sign_out", "/{lang}/account/devices/sign-out", "citizen",
             lambda h, v, page: [("device", "device0")], page="/{lang}/account/devices"),
    FormSpec("devices_sign_out_others", "/{lang}/account/devices/sign-out-others", "citizen",
             nothing, page="/{lang}/account/devices"),
    FormSpec("not_me", "/{lang}/account/activity/not-me", "citizen",
             lambda h, v, page: [("event", "1")]),
)


def fill_confirmations(pairs: list[tuple[str, Value]]) -> list[tuple[str, Value]]:
    """An empty confirm_x repeats x (the baseline is a matching pair)."""
    values = dict(pairs)
    return [(name, values.get(name.removeprefix("confirm_"), value)
             if name.startswith("confirm_") and value == "" else value)
            for name, value in pairs]


@dataclass
class PostCase:
    """One hostile submission of a form, and how to name it in a failure."""

    label: str
    replace: dict[str, Value] = field(default_factory=dict)  # field -> hostile value
    repeat: tuple[str, Value, bool] | None = None  # (field, value, hostile copy first)
    missing: str | None = None
    extra: tuple[Value, Value] | None = None
    json_values: dict[str, object] | None = None  # field -> a JSON value of another type
    encoding: str = "urlencoded"
    raw_body: bytes | None = None  # the whole body, as JSON of the wrong shape
    query: list[tuple[Value, Value]] = field(default_factory=list)
    header: tuple[str, Value] | None = None
    htmx: bool = False
    lang: str = "en"
    stranger: bool = False  # posted by a visitor who is not at this step at all


def post_form(h: Harness, spec: FormSpec, case: PostCase) -> None:
    kind = "anonymous" if case.stranger else spec.context
    page_url = "/{lang}/individuals/login" if case.stranger else spec.page_url("{lang}")
    visitor, page = h.at_page(kind, page_url.format(lang=case.lang),
                              None if case.stranger else spec.still_there)
    csrf = hidden(page, "csrf_token")
    pairs: list[tuple[str, object]] = [("csrf_token", csrf),
                                       *fill_confirmations(spec.baseline(h, visitor, page))]
    if case.missing:
        pairs = [(name, value) for name, value in pairs if name != case.missing]
    pairs = [(name, case.replace.get(name, value)) for name, value in pairs]
    if case.json_values:
        pairs = [(name, case.json_values.get(name, value)) for name, value in pairs]
    if case.repeat:
        name, value, hostile_first = case.repeat
        index = next((i for i, (n, _) in enumerate(pairs) if n == name), len(pairs))
        pairs.insert(index if hostile_first else index + 1, (name, value))
    if case.extra:
        pairs.append(case.extra)
    if case.raw_body is not None:
        body, content_type, extra_headers = case.raw_body, "application/json", {
            "X-CSRFToken": csrf}
    else:
        body, content_type, extra_headers = encode_body(pairs, case.encoding, csrf)
    headers = dict(extra_headers)
    if case.htmx:
        headers["HX-Request"] = "true"
    client = visitor.client
    if case.header:
        name, value = case.header
        if name == "Cookie":  # by hand, so the garbage goes along with the real cookies
            client = h.app.test_client(use_cookies=False)
            real = "; ".join(f"{c.key}={c.value}" for c in (
                visitor.client.get_cookie(n) for n in (h.app.config["SESSION_COOKIE_NAME"],
                                                       h.app.config["LANGUAGE_COOKIE_NAME"]))
                if c is not None)
            headers["Cookie"] = f"{header_text(value)}; {real}"
        else:
            headers[name] = header_text(value)
    url = spec.url(case.lang)
    if case.query:
        url += ("&" if "?" in url else "?") + "&".join(f"{quoted(k)}={quoted(v)}"
                                                        for k, v in case.query)
    label = case.label + (" [htmx]" if case.htmx else "") + (
        " [posted by a stranger]" if case.stranger else "")
    response = h.send(client, "POST", url, where=f"POST {spec.rule()}", label=label, body=body,
                      content_type=content_type, headers=headers)
    if spec.name == "change_password" and response is not None and (
            response.status_code == 303 or "HX-Redirect" in response.headers):
        # The password changed: the next change (and the questions form) needs the new one.
        typed = next((value for name, value in pairs if name == "new_password"), None)
        if isinstance(typed, str | bytes):
            visitor.password = json_text(typed)


def field_names(h: Harness, spec: FormSpec) -> list[str]:
    visitor = h.new_visitor()
    return ["csrf_token", *(name for name, _ in spec.baseline(h, visitor, ""))]


def sweep_forms(h: Harness, specs: tuple[FormSpec, ...]) -> None:
    """Every field of every form with every hostile class; every body encoding; htmx and
    not; every form posted by a stranger too."""
    turn = itertools.count()
    for spec in specs:
        for name in field_names(h, spec):
            for cls in CLASSES:
                t = next(turn)
                post_form(h, spec, PostCase(f"field {name}={cls}",
                                            replace={name: sweep_value(cls, t)},
                                            htmx=t % 2 == 1, lang=("en", "ar")[t // 2 % 2]))
        for t, encoding in enumerate(BODY_ENCODINGS):
            post_form(h, spec, PostCase(f"body {encoding}", encoding=encoding, htmx=t % 2 == 0,
                                        lang=("ar", "en")[t % 2]))
        for htmx in (False, True):
            post_form(h, spec, PostCase("a stranger's post", htmx=htmx, stranger=True))
            post_form(h, spec, PostCase("query _anchor/_external/_scheme/lang_code",
                                        query=[("_anchor", "x"), ("_external", "1"),
                                               ("_scheme", "javascript"), ("lang_code", "xx")],
                                        htmx=htmx))


@st.composite
def post_cases(draw, spec: FormSpec, names: list[str]) -> PostCase:
    kind = draw(st.sampled_from(("field", "field", "fields", "repeat", "missing", "extra",
                                 "json_value", "json_top_level", "body")))
    case = PostCase("")
    if kind == "field":
        name = draw(st.sampled_from(names))
        cls, value = draw(hostile_values)
        case.replace, case.label = {name: value}, f"field {name}={cls}"
        case.encoding = draw(st.sampled_from(("urlencoded",) * 6 + ("multipart", "json")))
        if case.encoding != "urlencoded":
            case.label += f" as {case.encoding}"
    elif kind == "fields":
        chosen = draw(st.lists(st.tuples(st.sampled_from(names), hostile_values),
                               min_size=2, max_size=4, unique_by=lambda item: item[0]))
        case.replace = {name: value for name, (_, value) in chosen}
        case.label = "fields " + ", ".join(f"{name}={cls}" for name, (cls, _) in chosen)
    elif kind == "repeat":
        name = draw(st.sampled_from(names))
        cls, value = draw(hostile_values)
        first = draw(st.booleans())
        case.repeat = (name, value, first)
        case.label = f"{name} twice ({cls} {'first' if first else 'second'})"
    elif kind == "missing":
        case.missing = draw(st.sampled_from(names))
        case.label = f"missing {case.missing}"
    elif kind == "extra":
        name_cls, name = draw(hostile_values)
        cls, value = draw(hostile_values)
        case.extra = (name if len(octets(name)) < 2000 else "x", value)
        case.label = f"extra field named {name_cls}={cls}"
    elif kind == "json_value":
        name = draw(st.sampled_from(names[1:] or names))
        oddity, value = draw(st.sampled_from(JSON_ODDITIES))
        case.json_values, case.encoding = {name: value}, "json"
        case.label = f"JSON {name}={oddity}"
    elif kind == "json_top_level":
        oddity, case.raw_body = draw(st.sampled_from(JSON_TOP_LEVEL))
        case.label = f"JSON body {oddity}"
    else:
        case.encoding = draw(st.sampled_from(BODY_ENCODINGS))
        cls, value = draw(hostile_values)
        name = draw(st.sampled_from(names))
        case.replace = {name: value}
        case.label = f"body {case.encoding} with {name}={cls}"
    case.htmx = draw(st.booleans())
    case.lang = draw(st.sampled_from(("ar", "en")))
    case.stranger = draw(st.integers(0, 19)) == 0
    if draw(st.integers(0, 4)) == 0:
        case.query = draw(query_params)
        case.label += " + query " + query_label(case.query)
    if draw(st.integers(0, 4)) == 0:
        case.header = draw(st.sampled_from(HEADER_ODDITIES))
        case.label += f" + header {case.header[0]}"
    return case


def fuzz_forms(h: Harness, specs: tuple[FormSpec, ...], examples: int) -> None:
    names = {spec.name: field_names(h, spec) for spec in specs}

    @settings(FUZZ, max_examples=random_cases(examples))
    @given(data=st.data())
    def run(data) -> None:
        spec = data.draw(st.sampled_from(specs), label="form")
        post_form(h, spec, data.draw(post_cases(spec, names[spec.name]), label="case"))

    run()


def query_label(query: list[tuple[Value, Value]]) -> str:
    return ",".join(sorted({name if name in QUERY_NAMES else "<hostile name>"
                            for name, _ in query}))


query_values = st.one_of(
    hostile_values.map(lambda item: item[1] if len(octets(item[1])) < 3000 else item[1][:500]),
    st.sampled_from([value for values in QUERY_ODDITIES.values() for value in values]),
)
query_params = st.lists(
    st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.sampled_from(QUERY_NAMES),
                        hostile_values.map(lambda item: item[1][:200])), query_values),
    min_size=1, max_size=4)


# --- GET routes ------------------------------------------------------------------------------

CONTEXTS_BY_BLUEPRINT = {
    "account": ("citizen", "new_citizen"), "changes": ("citizen", "changing_mobile"),
    "eservices": ("citizen", "new_citizen"),
    "payments": ("citizen", "new_citizen"),
    "security_questions": ("citizen", "new_citizen"),
    "staff": ("officer", "officer_changing_mobile", "citizen"),
    "staff_queues": ("officer", "citizen"), "my_requests": ("citizen", "new_citizen"),
    "tahseen": ("citizen", "new_citizen"), "staff_tahseen": ("officer", "citizen"),
    "investors": ("citizen", "new_citizen"),
    "data_rights": ("citizen", "new_citizen"),
    "inbox": ("citizen", "new_citizen"),
    "devices": ("citizen", "new_citizen"),
    "registration": ("registering", "registered"), "auth": ("signing_in", "citizen"),
    "recovery": ("recovering_question", "recovering_code", "recovering_new_password",
                 "recovered"),
    "files": ("citizen",), "staff_files": ("officer", "citizen"),
    "job_applications": ("citizen", "new_citizen"), "staff_employment": ("officer", "citizen"),
    "decorum": ("citizen", "decorum_holder", "new_citizen"),
    "staff_decorum": ("officer", "decorum_officer", "citizen"),
}
ALL_CONTEXTS = ("anonymous", "citizen", "new_citizen", "officer", "registering", "registered",
                "signing_in", "recovering_question", "recovering_code",
                "recovering_new_password", "recovered", "changing_mobile",
                "officer_changing_mobile", "decorum_holder", "decorum_officer")

# Addresses no rule matches, or that stretch the path itself.
UNROUTED = ("/en/no-such-page", "/xx/about", "/%D8%B9/about", "/en/%FF%FE", "/en/%00",
            "/en/" + "a" * 3000, "/en//about", "/en/about/", "/en/about%00",
            "/en/%E2%80%AEabout", "/static/%FF", "/static/../pyproject.toml",
            "/api/v1/no-such", "/api/v1/%FF%FE", "/api/", "/ar/visual-code/.png",
            "/en/visual-code/" + "A" * 3000 + ".wav")


def get_rules(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
                  key=lambda rule: rule.rule)


def path_for(h: Harness, rule, lang: str, hostile: Value | None = None) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "lang_code":
            return lang
        if hostile is not None:
            return quoted(hostile)[:3000]
        if name == "token":
            return new_token(h.policy)
        if name == "filename":
            return h.app.extensions["absher_assets"].url("css/site.css").removeprefix(
                "/static/")
        return "x"

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


def get_page(h: Harness, rule_text: str, url: str, context: str, label: str,
             method: str = "GET", header: tuple[str, Value] | None = None) -> None:
    headers = {}
    cookie = h.cookie_header(context)
    if header:
        name, value = header
        if name == "Cookie":
            cookie = f"{header_text(value)}; {cookie}" if cookie else header_text(value)
        else:
            headers[name] = header_text(value)
    if cookie:
        headers["Cookie"] = cookie
    h.send(h.app.test_client(use_cookies=False), method, url, where=f"{method} {rule_text}",
           label=f"{label} [{context}]", headers=headers)


def test_every_get_route_survives_hostile_queries_paths_and_headers(harness):
    h = harness
    rules = get_rules(h.app)
    assert len(rules) > 30, "the app's GET routes were not found"
    turn = itertools.count()
    for rule in rules:
        blueprint = rule.endpoint.split(".")[0]
        contexts = ("anonymous", *CONTEXTS_BY_BLUEPRINT.get(blueprint, ()))
        for context in contexts:
            for name in ("", *QUERY_NAMES):
                t = next(turn)
                lang = ("ar", "en")[t % 2]
                url = path_for(h, rule, lang)
                if not name:
                    get_page(h, rule.rule, url, context, "no query")
                    continue
                for value in (QUERY_ODDITIES[name][t % 2], sweep_value(CLASSES[t % len(CLASSES)],
                                                                        t)):
                    if len(octets(value)) > 3000:
                        value = value[:1000]
                    get_page(h, rule.rule, f"{url}?{quoted(name)}={quoted(value)}", context,
                             f"query {name}")
            get_page(h, rule.rule, path_for(h, rule, "en"), context, "htmx GET",
                     header=("HX-Request", "true"))
        for t, header in enumerate(HEADER_ODDITIES):
            get_page(h, rule.rule, path_for(h, rule, ("ar", "en")[t % 2]),
                     ALL_CONTEXTS[t % len(ALL_CONTEXTS)], f"header {header[0]}", header=header)
        if rule.arguments - {"lang_code"}:
            for cls in CLASSES:
                value = sweep_value(cls, next(turn))
                get_page(h, rule.rule, path_for(h, rule, "en", hostile=value), "anonymous",
                         f"path argument {cls}")
    for path in UNROUTED:
        get_page(h, "<unrouted>", path, "anonymous", f"unrouted {path[:30]}")
        get_page(h, "<unrouted>", path, "citizen", f"unrouted {path[:30]} as htmx",
                 header=("HX-Request", "true"))

    @settings(FUZZ, max_examples=random_cases(300))
    @given(data=st.data())
    def run(data) -> None:
        rule = data.draw(st.sampled_from(rules), label="rule")
        lang = data.draw(st.sampled_from(("ar", "en", "ar", "en", "xx", "AR", "%D8%B9", "en%00")))
        hostile_argument = None
        label = "query"
        if rule.arguments - {"lang_code"} and data.draw(st.booleans()):
            cls, hostile_argument = data.draw(hostile_values)
            label = f"path argument {cls}"
        url = path_for(h, rule, lang, hostile_argument)
        query = data.draw(query_params)
        url += "?" + "&".join(f"{quoted(k)}={quoted(v)}" for k, v in query)
        label += " " + query_label(query)
        if lang not in ("ar", "en"):
            label += f" in language {lang}"
        header = data.draw(st.one_of(st.none(), st.sampled_from(HEADER_ODDITIES)))
        if header:
            label += f" + header {header[0]}"
        method = data.draw(st.sampled_from(("GET",) * 8 + ("HEAD", "OPTIONS", "PUT", "DELETE",
                                                           "PATCH", "BREW")))
        get_page(h, rule.rule, url, data.draw(st.sampled_from(ALL_CONTEXTS)), label,
                 method=method, header=header)

    run()
    h.report("GET routes")


# --- forms -------------------------------------------------------------------------------------


def test_public_forms_survive_hostile_posts(harness):
    sweep_forms(harness, ANONYMOUS_FORMS)
    fuzz_forms(harness, ANONYMOUS_FORMS, examples=250)
    harness.report("public forms")


def test_later_journey_steps_survive_hostile_posts(harness):
    sweep_forms(harness, STEP_FORMS)
    fuzz_forms(harness, STEP_FORMS, examples=250)
    harness.report("journey steps")


# The longest of the suite's tests: in two halves, which two test workers can share.
@pytest.mark.parametrize("half", (0, 1))
def test_signed_in_and_officer_forms_survive_hostile_posts(harness, half):
    forms = SIGNED_IN_FORMS[half::2]
    sweep_forms(harness, forms)
    fuzz_forms(harness, forms, examples=125)
    harness.report(f"signed-in and officer forms ({half + 1} of 2)")


# --- hosts -------------------------------------------------------------------------------------

FORGED_HOSTS = ("evil.example", "a" * 64 + ".example", "a" * 300, "localhost.evil.example",
                "evil.example:80", "[::1", "localhost\x00", "xn--80ak6aa92e.com",
                "ا.example", "localhost, evil.example", "local host", "localhost@evil.example",
                "localhost/..", "127.0.0.1.nip.io", "\u202elocalhost")
ODD_HOSTS = ("localhost:99999", "localhost:abc", "localhost:", "LOCALHOST", "localhost.",
             "", "[::1]", "0x7f.1")


def rule_of(app, method: str, path: str) -> str:
    try:
        rule, _ = app.url_map.bind("localhost").match(path.split("?")[0], method=method,
                                                      return_rule=True)
    except Exception:  # noqa: BLE001 (a 404 or 405 from routing)
        return "<unrouted>"
    return rule.rule


HOST_PATHS = (("GET", "/"), ("GET", "/en/"), ("GET", "/ar/register"),
              ("GET", "/en/visual-code/new?page=/en/register"), ("POST", "/en/individuals/login"),
              ("GET", "/api/v1/openapi.json"), ("POST", "/api/v1/atm-activations"),
              ("GET", "/static/css/site.css"), ("GET", "/en/no-such-page"))


def test_forged_hosts_are_refused_with_a_400_page(harness, app):
    h = harness
    proxied_config = dict(app.config, PROXY_COUNT=1)
    proxied = create_app(proxied_config)
    try:
        for method, path in HOST_PATHS:
            where = f"{method} {rule_of(app, method, path)}"
            for host in FORGED_HOSTS + ODD_HOSTS:
                for htmx in (False, True):
                    headers = {"Host": header_text(host)}
                    if htmx:
                        headers["HX-Request"] = "true"
                    label = f"Host {host[:20]!r}{' [htmx]' if htmx else ''}"
                    response = h.send(h.app.test_client(), method, path, where=where,
                                      label=label, headers=headers, body=b"", content_type=FORM)
                    if response is not None and host in FORGED_HOSTS and \
                            response.status_code != 400:
                        h.findings.add(f"forged Host answered {response.status_code}, not 400",
                                       "", where, label, f"{method} {path} Host: {host!r}")
                forwarded = {"X-Forwarded-Host": header_text(host),
                             "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
                label = f"X-Forwarded-Host {host[:20]!r} behind one proxy"
                response = h.send(proxied.test_client(), method, path, where=where, label=label,
                                  headers=forwarded, body=b"", content_type=FORM)
                if response is not None and host in FORGED_HOSTS and response.status_code != 400:
                    h.findings.add(f"forged X-Forwarded-Host answered {response.status_code}, "
                                   "not 400", "", where, label, f"{method} {path} {forwarded}")
    finally:
        with proxied.app_context():
            db.engine.dispose()
    h.report("hosts")


# --- the activation API ------------------------------------------------------------------------

API_PATHS = {ApiClientKind.BANK: "/api/v1/atm-activations",
             ApiClientKind.KIOSK: "/api/v1/kiosk-activations"}
API_DATES = ("9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-23:59", "2024-02-30T00:00:00Z",
             "+002024-01-01T00:00:00Z", "2024-01-01T00:00:00\u0660Z", "2024-01-01",
             "2024-01-01T25:61:61Z", "1e309", "")
API_CONTENT_TYPES = ("application/json", "application/json; charset=utf-16", "text/plain",
                     FORM, None, "application/json\x7f", "application/problem+json",
                     "multipart/form-data; boundary=x")


def test_activation_api_answers_hostile_requests_with_json_errors(harness, app):
    h = harness
    callers = {ApiClientKind.BANK: add_caller(app, "FZB1", ApiClientKind.BANK),
               ApiClientKind.KIOSK: add_caller(app, "FZK1", ApiClientKind.KIOSK)}
    account = h.make_account()

    def baseline(caller) -> dict:
        return caller.body(account, reference=f"FUZZ-{h.number()}")

    def send(kind, caller, label: str, body: bytes, content_type: str | None,
             signature: str = "valid", method: str = "POST", query: str = "") -> None:
        headers = signing.signed_headers(caller.code, caller.key, body, time.time())
        headers.pop("Content-Type")
        if signature == "none":
            headers = {}
        elif signature == "bad":
            headers[signing.SIGNATURE_HEADER] = "0" * 64
        elif signature == "stale":
            headers = signing.signed_headers(caller.code, caller.key, body, 1_000_000)
            headers.pop("Content-Type")
        elif signature.startswith("hostile:"):
            name, _, cls = signature[8:].partition("=")
            headers[name] = header_text(sweep_value(cls, h.number()))[:4000]
            signature = f"hostile {name} ({cls})"
        path = API_PATHS[kind] + query
        h.send(caller.client, method, path, where=f"{method} {API_PATHS[kind]}",
               label=f"{label} [signature {signature}]", body=body, content_type=content_type,
               headers=headers)

    # The sweep: every field with every class, signed; every header with every class.
    turn = itertools.count()
    for kind, caller in callers.items():
        names = list(baseline(caller))
        for name in names:
            for cls in CLASSES:
                body = baseline(caller)
                body[name] = json_text(sweep_value(cls, next(turn)))
                send(kind, caller, f"field {name}={cls}", json.dumps(body).encode(),
                     "application/json")
            for oddity, value in JSON_ODDITIES:
                body = baseline(caller)
                body[name] = value
                send(kind, caller, f"JSON {name}={oddity}", json.dumps(body).encode(),
                     "application/json")
        for value in API_DATES:
            send(kind, caller, "requested_at odd date", json.dumps(
                {**baseline(caller), "requested_at": value}).encode(), "application/json")
        for oddity, raw in JSON_TOP_LEVEL:
            send(kind, caller, f"JSON body {oddity}", raw, "application/json")
        for content_type in API_CONTENT_TYPES:
            send(kind, caller, f"content type {content_type!r}",
                 json.dumps(baseline(caller)).encode(), content_type)
        send(kind, caller, "UTF-16 JSON", json.dumps(baseline(caller)).encode("utf-16"),
             "application/json")
        send(kind, caller, "oversize", json.dumps({**baseline(caller),
                                                   "padding": "A" * 70_000}).encode(),
             "application/json")
        for header in (signing.CLIENT_HEADER, signing.TIMESTAMP_HEADER,
                       signing.SIGNATURE_HEADER):
            for cls in CLASSES:
                send(kind, caller, "hostile signature header", json.dumps(
                    baseline(caller)).encode(), "application/json", f"hostile:{header}={cls}")
        for signature in ("none", "bad", "stale"):
            send(kind, caller, "unsigned or stale", json.dumps(baseline(caller)).encode(),
                 "application/json", signature)
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            send(kind, caller, f"method {method}", b"", None, method=method)
        send(kind, callers[ApiClientKind.KIOSK if kind is ApiClientKind.BANK
                           else ApiClientKind.BANK], "the other kind of client",
             json.dumps(baseline(caller)).encode(), "application/json")

    @settings(FUZZ, max_examples=random_cases(200))
    @given(data=st.data())
    def run(data) -> None:
        kind = data.draw(st.sampled_from(list(callers)))
        caller = callers[kind]
        body = baseline(caller)
        chosen = data.draw(st.lists(st.tuples(st.sampled_from(list(body)), hostile_values),
                                    max_size=3, unique_by=lambda item: item[0]))
        for name, (_, value) in chosen:
            body[name] = json_text(value)
        label = "fields " + ", ".join(f"{n}={cls}" for n, (cls, _) in chosen) if chosen \
            else "valid body"
        if data.draw(st.booleans()):
            name, value = data.draw(st.sampled_from(JSON_ODDITIES))
            body[data.draw(st.sampled_from(list(body)))] = value
            label += f" + JSON {name}"
        raw = json.dumps(body).encode()
        if len(raw) > 60_000:
            raw = raw[:60_000]
            label += " (cut)"
        content_type = data.draw(st.sampled_from(API_CONTENT_TYPES[:1] * 5 + API_CONTENT_TYPES))
        signature = data.draw(st.sampled_from(("valid",) * 6 + ("none", "bad", "stale") + tuple(
            f"hostile:{header}={cls}" for header in (signing.CLIENT_HEADER,
                                                     signing.TIMESTAMP_HEADER)
            for cls in ("nul", "emoji", "invalid_utf8", "overlong"))))
        query = ""
        if data.draw(st.integers(0, 4)) == 0:
            query = "?" + "&".join(f"{quoted(k)}={quoted(v)}" for k, v in data.draw(query_params))
            label += " + query"
        send(kind, caller, label, raw, content_type, signature, query=query)

    run()
    h.report("activation API")


MOBILE_CHANGE_PATHS = ("/api/v1/kiosk-mobile-changes", "/api/v1/kiosk-mobile-confirmations")


def test_kiosk_mobile_api_answers_hostile_requests_with_json_errors(harness, app):
    """The two calls of a kiosk's change of mobile: every field with every hostile class and
    every JSON oddity, signed by a real kiosk operator (and by a bank), then combinations."""
    h = harness
    kiosk = add_caller(app, "FZK2", ApiClientKind.KIOSK)
    bank = add_caller(app, "FZB2", ApiClientKind.BANK)
    account = h.make_account()

    def baseline(path: str) -> dict:
        body = {"national_id": account.national_id, "operator_code": kiosk.code,
                "kiosk_id": "K-1", "reference": f"FUZZ-{h.number()}"}
        if path == MOBILE_CHANGE_PATHS[0]:
            return {**body, "new_mobile": normalise_mobile(h.fresh_mobile())}
        return {**body, "change_reference": "FUZZ-1", "code": "123456"}

    def send(caller, path: str, label: str, body: dict | bytes) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if len(raw) > 60_000:
            raw, label = raw[:60_000], label + " (cut)"
        headers = signing.signed_headers(caller.code, caller.key, raw, time.time())
        h.send(caller.client, "POST", path, where=f"POST {path}", label=label, body=raw,
               content_type=headers.pop("Content-Type"), headers=headers)

    turn = itertools.count()
    for path in MOBILE_CHANGE_PATHS:
        for name in baseline(path):
            for cls in CLASSES:
                body = baseline(path)
                body[name] = json_text(sweep_value(cls, next(turn)))
                send(kiosk, path, f"field {name}={cls}", body)
            for oddity, value in JSON_ODDITIES:
                send(kiosk, path, f"JSON {name}={oddity}", {**baseline(path), name: value})
        for oddity, raw in JSON_TOP_LEVEL:
            send(kiosk, path, f"JSON body {oddity}", raw)
        send(bank, path, "a bank", {**baseline(path), "operator_code": bank.code})

    @settings(FUZZ, max_examples=random_cases(150))
    @given(data=st.data())
    def run(data) -> None:
        path = data.draw(st.sampled_from(MOBILE_CHANGE_PATHS))
        body = baseline(path)
        chosen = data.draw(st.lists(st.tuples(st.sampled_from(list(body)), hostile_values),
                                    max_size=3, unique_by=lambda item: item[0]))
        for name, (_, value) in chosen:
            body[name] = json_text(value)
        send(kiosk, path, "fields " + ", ".join(f"{n}={cls}" for n, (cls, _) in chosen)
             if chosen else "valid body", body)

    run()
    h.report("kiosk mobile API")


def test_the_checks_catch_a_broken_page(harness, app):
    """The checks can fail: a view that raises, one that answers Latin-1 and one that
    answers an untranslated page are each reported with route, input class and cause."""
    from flask import request

    @app.get("/<lang_code>/fuzz-self-test")
    def broken():
        if request.args.get("q") == "raise":
            raise KeyError("self-test")
        if request.args.get("q") == "latin1":
            return app.response_class("café".encode("latin-1"), mimetype="text/html")
        return "<p>no html element</p>"

    client = app.test_client()
    for q in ("raise", "latin1", "plain"):
        harness.send(client, "GET", f"/en/fuzz-self-test?q={q}",
                     where="GET /<lang_code>/fuzz-self-test", label=f"self-test {q}")
    causes = list(harness.findings.by_cause)
    assert any(cause.startswith("500, logged KeyError at tests/test_fuzz.py:")
               for cause in causes), causes
    assert "answer is not valid UTF-8" in causes, causes
    assert '200 page without <html lang="ar|en">' in causes, causes
    report = harness.findings.report("self-test", harness.requests, 0)
    assert "GET /<lang_code>/fuzz-self-test  <- self-test raise" in report
