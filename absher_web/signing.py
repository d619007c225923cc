"""Signed API requests: how banks and kiosks sign, and how the portal checks (pure functions).

A client signs the exact bytes of the request body together with a Unix timestamp:

    signature = hex(HMAC-SHA256(key, "<timestamp>." + body))

and sends three headers: X-Absher-Client (its code), X-Absher-Timestamp and
X-Absher-Signature. The timestamp stops an old request from being replayed later;
the reference in the body makes a repeat within the window harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from absher_web.openapi import whole_value

CLIENT_HEADER = "X-Absher-Client"
TIMESTAMP_HEADER = "X-Absher-Timestamp"
SIGNATURE_HEADER = "X-Absher-Signature"

# The form of each header, checked before anything else looks at them (above all the
# database: PostgreSQL refuses text with NUL in it). All three patterns are ASCII-only:
# Arabic-Indic digits, control characters and overlong values never match.
CLIENT_CODE = whole_value("client_code")
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds
SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")  # hex HMAC-SHA256


def malformed_headers(code: str, timestamp: str, signature: str) -> list[str]:
    """The names of the headers whose value is not in its documented form."""
    return [name for name, pattern, value in ((CLIENT_HEADER, CLIENT_CODE, code),
                                               (TIMESTAMP_HEADER, TIMESTAMP, timestamp),
                                               (SIGNATURE_HEADER, SIGNATURE, signature))
            if not pattern.fullmatch(value)]


def new_key() -> str:
    """A new signing key: 256 random bits, URL-safe text."""
    return secrets.token_urlsafe(32)


def sign(key: str, timestamp: int | str, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_matches(key: str, timestamp: str, body: bytes, signature: str) -> bool:
    if not signature.isascii():  # compare_digest refuses non-ASCII text with an error
        return False
    return hmac.compare_digest(sign(key, timestamp, body), signature.strip().lower())


def timestamp_is_fresh(timestamp: str, now: float, tolerance_seconds: int) -> bool:
    """True when the header is whole seconds within the tolerance of now, either way."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(int(timestamp) - now) <= tolerance_seconds


def signed_headers(client_code: str, key: str, body: bytes, now: float) -> dict[str, str]:
    """The headers a client sends with ``body`` (used by atm-simulate and the tests)."""
    timestamp = str(int(now))
    return {
        "Content-Type": "application/json",
        CLIENT_HEADER: client_code,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(key, timestamp, body),
    }
