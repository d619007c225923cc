"""The OpenAPI 3 description of the activation API, served at /api/v1/openapi.json.

Banks and kiosk operators build their clients from it; a schemathesis run in the
tests checks every answer the API gives against it.
"""

from __future__ import annotations

import re
from functools import cache

# Every error code the API can answer with, and what it means to the caller's developers.
ERROR_MESSAGES = {
    "missing_signature": "X-Absher-Client (2-20 capital letters or digits), X-Absher-Timestamp "
                         "(Unix seconds) and X-Absher-Signature (64 hex digits) are required.",
    "stale_timestamp": "X-Absher-Timestamp is too far from the server's clock (default: 5 min).",
    # One answer whether the code names no active client or the key is wrong: a caller
    # cannot learn which codes are real (the log says which, for operators).
    "bad_signature": "The request is not signed with the key of an active client: check "
                     "X-Absher-Client, the key, and that the body was not changed after signing.",
    "wrong_client_kind": "This client may not use this endpoint (banks: ATM; operators: kiosk).",
    "unsupported_media_type": "Send the body as application/json.",
    "invalid_json": "The body is not valid UTF-8 JSON (or is nested too deeply).",
    "invalid_request": "Some fields are missing or not valid; see fields.",
    "account_not_found": "No Absher account is registered for this ID or iqama number.",
    "mobile_mismatch": "The mobile number is not the one registered for this account.",
    "already_active": "The account is already active.",
    "activation_pending": "An ATM activation of this account is already waiting to take effect.",
    "reference_reused": "This reference was used before with a different request body.",
    "not_found": "There is no such endpoint.",
    "method_not_allowed": "This endpoint does not accept that method.",
    "payload_too_large": "The body is larger than the server accepts.",
    "rate_limited": "Too many requests; wait and try again.",
    "service_unavailable": "A temporary problem; send the same request again later.",
    "internal_error": "An unexpected error; send the same request again later.",
}

SIGNATURE_HEADERS = ("X-Absher-Client", "X-Absher-Timestamp", "X-Absher-Signature")
HEADER_FORMS = {
    "X-Absher-Client": "The client's code: 2-20 capital letters or digits (ASCII).",
    "X-Absher-Timestamp": "The Unix time of signing, whole seconds, ASCII digits.",
    "X-Absher-Signature": "Lowercase hex HMAC-SHA256: 64 characters.",
}

# The one statement of each field's form: this document and web/api.py both use it.
PATTERNS = {
    "national_id": r"^[12][0-9]{9}$",
    "mobile": r"^\+9665[0-9]{8}$",
    "client_code": r"^[A-Z0-9]{2,20}$",
    "terminal_id": r"^[A-Za-z0-9._-]{1,40}$",
    "reference": r"^[A-Za-z0-9._:-]{1,80}$",
    "date_time": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$",
}


def whole_value(name: str) -> re.Pattern:
    """PATTERNS[name] for fullmatch: JSON Schema's ^…$ anchors become a whole-value match
    (Python's $ would let a trailing newline through), and \\d means 0-9 only, as in JSON
    Schema (Python's would also match Arabic-Indic and other digits)."""
    return re.compile(PATTERNS[name].removeprefix("^").removesuffix("$"), re.ASCII)


def _error(description: str, codes: list[str]) -> dict:
    return {
        "description": description + " Codes: " + ", ".join(codes) + ".",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _request_schema(client_field: str, client_text: str, terminal_field: str,
                    terminal_text: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["national_id", "mobile", client_field, terminal_field, "reference",
                     "requested_at"],
        "properties": {
            "national_id": {"type": "string", "pattern": PATTERNS["national_id"],
                            "description": "ID (1…) or iqama (2…) number with its check digit."},
            "mobile": {"type": "string", "pattern": PATTERNS["mobile"],
                       "description": "The mobile number registered in Absher, E.164."},
            client_field: {"type": "string", "pattern": PATTERNS["client_code"],
                           "description": client_text},
            terminal_field: {"type": "string", "pattern": PATTERNS["terminal_id"],
                             "description": terminal_text},
            "reference": {"type": "string", "pattern": PATTERNS["reference"],
                          "description": "The client's unique reference: sending the same "
                                         "reference again returns the first answer."},
            "requested_at": {"type": "string", "format": "date-time",
                             "pattern": PATTERNS["date_time"],
                             "description": "When the holder confirmed, RFC 3339 with zone; "
                                            "not in the future, at most a day old."},
        },
    }


def _operation(summary: str, description: str, schema_name: str, success_status: str,
               success_text: str) -> dict:
    return {
        "summary": summary,
        "description": description,
        "security": [{name: [] for name in SIGNATURE_HEADERS}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
        },
        "responses": {
            success_status: {
                "description": success_text,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Activation"}}},
            },
            "400": _error("The body is not JSON.", ["invalid_json"]),
            "401": _error("The request is not signed by a known client.",
                          ["missing_signature", "stale_timestamp", "bad_signature"]),
            "403": _error("The client may not use this endpoint.", ["wrong_client_kind"]),
            "404": _error("No account for this ID or iqama number.", ["account_not_found"]),
            "409": _error("The account's state or the reference does not allow this.",
                          ["mobile_mismatch", "already_active", "activation_pending",
                           "reference_reused"]),
            "413": _error("The body is too large.", ["payload_too_large"]),
            "415": _error("The body is not application/json.", ["unsupported_media_type"]),
            "422": _error("Fields are missing or not valid.", ["invalid_request"]),
            "429": _error("Too many requests from this client (counted per client once the "
                          "signature is verified, otherwise per address).", ["rate_limited"]),
            "500": _error("Unexpected error; retrying the same request is safe.",
                          ["internal_error"]),
            "503": _error("Temporary problem; retrying the same request is safe.",
                          ["service_unavailable"]),
        },
    }


@cache
def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Absher Web activation API",
            "version": "1.0.0",
            "description": (
                "How banks (ATM) and kiosk operators activate Absher accounts. Each request "
                "is signed: X-Absher-Signature is the lowercase hex HMAC-SHA256, with the "
                "client's key, of the Unix time in X-Absher-Timestamp, a full stop, and the "
                "exact body bytes. Requests more than 5 minutes off the server's clock are "
                "refused. Answers are JSON; errors carry a stable code. Sending the same "
                "reference again returns the first answer, with Idempotent-Replayed: true."
            ),
        },
        "paths": {
            "/api/v1/atm-activations": {"post": _operation(
                "Activate an account from a bank ATM",
                "The holder chose “Ministry of Interior e-portal” and pressed OK. The account "
                "becomes active after the configured delay (two days by default) and the "
                "holder gets an SMS then.",
                "AtmActivationRequest", "202",
                "Accepted: the activation is pending until effective_at.")},
            "/api/v1/kiosk-activations": {"post": _operation(
                "Activate an account at a self-service kiosk",
                "The kiosk verified both index fingerprints and the mobile number. The "
                "account is active at once and the holder gets an SMS.",
                "KioskActivationRequest", "201", "The account is active.")},
        },
        "components": {
            "securitySchemes": {
                name: {"type": "apiKey", "in": "header", "name": name,
                       "description": HEADER_FORMS[name]}
                for name in SIGNATURE_HEADERS
            },
            "schemas": {
                "AtmActivationRequest": _request_schema(
                    "bank_code", "The bank's client code; must match X-Absher-Client.",
                    "atm_id", "The ATM's identifier at the bank."),
                "KioskActivationRequest": _request_schema(
                    "operator_code", "The operator's client code; must match X-Absher-Client.",
                    "kiosk_id", "The kiosk's identifier."),
                "Activation": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["activation_id", "reference", "channel", "status",
                                 "effective_at"],
                    "properties": {
                        "activation_id": {"type": "integer"},
                        "reference": {"type": "string"},
                        "channel": {"type": "string", "enum": ["atm", "kiosk"]},
                        "status": {"type": "string", "enum": ["pending", "active"]},
                        "effective_at": {"type": "string", "format": "date-time"},
                    },
                },
                "Error": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string", "enum": sorted(ERROR_MESSAGES)},
                            "message": {"type": "string"},
                            "fields": {"type": "object",
                                       "additionalProperties": {"type": "string"},
                                       "description": (
                                           "Each field's problem. \"\" is the body as a "
                                           "whole; \"*\" stands for unexpected fields whose "
                                           "names are not plain enough to repeat.")},
                        },
                    }},
                },
            },
        },
    }
