"""The OpenAPI 3 description of the activation API and the banks' payment notices, served
at /api/v1/openapi.json.

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
    "wrong_client_kind": "This client may not use this endpoint (banks: ATM and bill payments; "
                         "operators: kiosk).",
    "unsupported_media_type": "Send the body as application/json.",
    "invalid_json": "The body is not valid UTF-8 JSON (or is nested too deeply).",
    "invalid_request": "Some fields are missing or not valid; see fields.",
    "account_not_found": "No Absher account is registered for this ID or iqama number.",
    "mobile_mismatch": "The mobile number is not the one registered for this account.",
    "already_active": "The account is already active.",
    "activation_pending": "An ATM activation of this account is already waiting to take effect.",
    "bill_number_invalid": "The bill number's check digit is wrong: no bill has this number "
                           "(a digit was probably mistyped).",
    "bill_unknown": "No bill has this number.",
    "bill_expired": "The bill expired before it was paid: return the money to the payer.",
    "bill_cancelled": "The bill was cancelled before it was paid: return the money to the payer.",
    "bill_already_paid": "The bill was paid already, by another payment: return this one to "
                         "the payer.",
    "amount_wrong": "The amount is not the bill's amount: a bill is paid in full, to the halala.",
    "reference_reused": "This reference was used before with a different request body.",
    "mobile_same": "The new mobile number is already the account's number.",
    "mobile_taken": "The new mobile number belongs to another account.",
    "too_many_codes": "No code was sent: too many were sent to this number or for this person "
                      "in the last hour, or one was sent moments ago for this reference. Try "
                      "again later.",
    "sms_failed": "The code could not be sent to the new number; nothing was kept: send the "
                  "same request again.",
    "change_not_found": "This operator sent no code for change_reference to a new number of "
                        "this ID or iqama number's account.",
    "code_wrong": "The code is not right; the holder may type it again (5 tries per code).",
    "code_expired": "The code has expired: ask for a new one (a new request, a new reference).",
    "code_spent": "The code has been used already.",
    "code_too_many_tries": "The code was typed wrongly too many times: ask for a new one.",
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
    "code": r"^[0-9]{6}$",
    "bill_number": r"^[1-9][0-9]{12}$",
}
# The largest amount a bill can have, in halalas (the database keeps it as a 32-bit integer).
MAX_AMOUNT = 2_147_483_647


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


FIELDS = {
    "national_id": {"type": "string", "pattern": PATTERNS["national_id"],
                    "description": "ID (1…) or iqama (2…) number with its check digit."},
    "mobile": {"type": "string", "pattern": PATTERNS["mobile"],
               "description": "The mobile number registered in Absher, E.164."},
    "new_mobile": {"type": "string", "pattern": PATTERNS["mobile"],
                   "description": "The holder's new mobile number, E.164; a code is sent to it."},
    "reference": {"type": "string", "pattern": PATTERNS["reference"],
                  "description": "The client's unique reference: sending the same reference "
                                 "again returns the first answer."},
    "change_reference": {"type": "string", "pattern": PATTERNS["reference"],
                         "description": "The reference of the request that sent the code."},
    "code": {"type": "string", "pattern": PATTERNS["code"],
             "description": "The 6 digits the holder typed, from the text message."},
    "requested_at": {"type": "string", "format": "date-time", "pattern": PATTERNS["date_time"],
                     "description": "When the holder confirmed, RFC 3339 with zone; "
                                    "not in the future, at most a day old."},
    "bill_number": {"type": "string", "pattern": PATTERNS["bill_number"],
                    "description": "The bill's number as the payer typed it: 13 digits, the "
                                   "last a check digit."},
    "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT,
               "description": "The amount paid, in halalas (100 halalas = 1 SAR): exactly "
                              "the bill's amount."},
    "paid_at": {"type": "string", "format": "date-time", "pattern": PATTERNS["date_time"],
                "description": "When the bank took the payment, RFC 3339 with zone; not in the "
                               "future, at most a day old."},
}
OPERATOR_FIELDS = ("operator_code", "The operator's client code; must match X-Absher-Client.",
                   "kiosk_id", "The kiosk's identifier.")


def _request_schema(client_field: str, client_text: str, terminal_field: str,
                    terminal_text: str, names: tuple[str, ...] = ("national_id", "mobile"),
                    after: tuple[str, ...] = ("requested_at",)) -> dict:
    properties = {name: FIELDS[name] for name in names}
    properties[client_field] = {"type": "string", "pattern": PATTERNS["client_code"],
                                "description": client_text}
    properties[terminal_field] = {"type": "string", "pattern": PATTERNS["terminal_id"],
                                  "description": terminal_text}
    properties["reference"] = FIELDS["reference"]
    properties.update((name, FIELDS[name]) for name in after)
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


# The refusals every endpoint can give, by status; each operation adds its own codes.
COMMON_ERRORS = {
    "400": ("The body is not JSON.", ["invalid_json"]),
    "401": ("The request is not signed by a known client.",
            ["missing_signature", "stale_timestamp", "bad_signature"]),
    "403": ("The client may not use this endpoint.", ["wrong_client_kind"]),
    "409": ("The account's state or the reference does not allow this.", ["reference_reused"]),
    "413": ("The body is too large.", ["payload_too_large"]),
    "415": ("The body is not application/json.", ["unsupported_media_type"]),
    "422": ("Fields are missing or not valid.", ["invalid_request"]),
    "429": ("Too many requests from this client (counted per client once the signature is "
            "verified, otherwise per address).", ["rate_limited"]),
    "500": ("Unexpected error; retrying the same request is safe.", ["internal_error"]),
    "503": ("Temporary problem; retrying the same request is safe.", ["service_unavailable"]),
}
ACTIVATION_ERRORS = {
    "404": ("No account for this ID or iqama number.", ["account_not_found"]),
    "409": ("", ["mobile_mismatch", "already_active", "activation_pending"]),
}


def _operation(summary: str, description: str, schema_name: str, success_status: str,
               success_text: str, success_schema: str = "Activation",
               errors: dict | None = None) -> dict:
    responses: dict = {success_status: {
        "description": success_text,
        "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{success_schema}"}}},
    }}
    added = errors if errors is not None else ACTIVATION_ERRORS
    for status in sorted({*COMMON_ERRORS, *added}):
        text, codes = COMMON_ERRORS.get(status, ("", []))
        extra_text, extra_codes = added.get(status, ("", []))
        responses[status] = _error(extra_text or text, [*extra_codes, *codes])
    return {
        "summary": summary,
        "description": description,
        "security": [{name: [] for name in SIGNATURE_HEADERS}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
        },
        "responses": responses,
    }


PAYMENT_ERRORS = {
    "404": ("No bill has this number.", ["bill_unknown"]),
    "409": ("The bill can no longer be paid (the money goes back to the payer), or the "
            "reference was used before.", ["bill_expired", "bill_cancelled",
                                            "bill_already_paid"]),
    "422": ("Fields are missing or not valid, the bill number's check digit is wrong, or the "
            "amount is not the bill's.", ["bill_number_invalid", "amount_wrong"]),
}


def _payment_request_schema() -> dict:
    properties = {
        "bill_number": FIELDS["bill_number"],
        "amount": FIELDS["amount"],
        "bank_code": {"type": "string", "pattern": PATTERNS["client_code"],
                      "description": "The bank's client code; must match X-Absher-Client."},
        "reference": {**FIELDS["reference"],
                      "description": "The bank's reference of this payment, unique at the "
                                     "bank: sending it again returns the first answer, and "
                                     "the bill is paid once."},
        "paid_at": FIELDS["paid_at"],
    }
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


def _answer_schema(properties: dict, status: str) -> dict:
    return {"type": "object", "additionalProperties": False,
            "required": [*properties, "status"],
            "properties": {**properties, "status": {"type": "string", "enum": [status]}}}


@cache
def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Absher Web activation and payment API",
            "version": "1.0.0",
            "description": (
                "How banks (ATM) and kiosk operators activate Absher accounts, and how banks "
                "report the payment of a bill. Each request "
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
            "/api/v1/kiosk-mobile-changes": {"post": _operation(
                "Send a code to a holder's new mobile number, at a kiosk",
                "The kiosk verified both index fingerprints, and the holder typed a new mobile "
                "number. A code is texted to it; the holder types it at the kiosk and the "
                "kiosk confirms it (kiosk-mobile-confirmations) within the code's lifetime. "
                "Nothing changes yet. When no code could be sent (429 too_many_codes, 503 "
                "sms_failed) no answer is kept, so the same request may be sent again.",
                "KioskMobileCodeRequest", "202",
                "A code was sent to the new number; confirm it under this reference.",
                "MobileCodeSent", {
                    "404": ("No account for this ID or iqama number.", ["account_not_found"]),
                    "409": ("The new number cannot be this account's, or the reference was "
                            "used before.", ["mobile_same", "mobile_taken"]),
                    "429": ("", ["too_many_codes"]),
                    "503": ("", ["sms_failed"]),
                })},
            "/api/v1/kiosk-mobile-confirmations": {"post": _operation(
                "Change a holder's mobile number with the code they typed at a kiosk",
                "The code sent by kiosk-mobile-changes (named by change_reference, from the "
                "same operator, for the same ID or iqama number) is checked; if right, the "
                "new number becomes the account's, the old number is told by SMS, and the "
                "holder sees the change in their security activity. A wrong code counts "
                "against the code's 5 tries; each answer is kept under this request's own "
                "reference.",
                "KioskMobileConfirmRequest", "200", "The mobile number is changed.",
                "MobileChanged", {
                    "404": ("No account for this ID or iqama number, or no code was sent "
                            "under change_reference.", ["account_not_found",
                                                        "change_not_found"]),
                    "409": ("The code can no longer be used, the new number was taken "
                            "meanwhile, or the reference was used before.",
                            ["code_expired", "code_spent", "code_too_many_tries",
                             "mobile_taken"]),
                    "422": ("Fields are missing or not valid, or the code is not right.",
                            ["code_wrong"]),
                })},
            "/api/v1/bill-payments": {"post": _operation(
                "Report the payment of a bill",
                "A holder paid a Ministry of Interior bill at the bank (app, online banking "
                "or ATM). The bill is marked paid, once, and the request it pays for goes on "
                "by itself; the holder is told by SMS. Send the same notice again with the "
                "same reference until a 200 or a 4xx answer arrives: a repeat is answered "
                "with the first answer and never pays twice. Every 4xx refusal means the "
                "payment was not taken: return the money to the payer.",
                "BillPaymentRequest", "200", "The bill is paid (by this very payment).",
                "BillPaid", PAYMENT_ERRORS)},
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
                "KioskActivationRequest": _request_schema(*OPERATOR_FIELDS),
                "KioskMobileCodeRequest": _request_schema(
                    *OPERATOR_FIELDS, names=("national_id", "new_mobile"), after=()),
                "KioskMobileConfirmRequest": _request_schema(
                    *OPERATOR_FIELDS, names=("national_id",),
                    after=("change_reference", "code")),
                "BillPaymentRequest": _payment_request_schema(),
                "BillPaid": _answer_schema({
                    "bill_number": {"type": "string"},
                    "amount": {"type": "integer"},
                    "reference": {"type": "string"},
                    "paid_at": {"type": "string", "format": "date-time"},
                }, "paid"),
                "MobileCodeSent": _answer_schema({
                    "reference": {"type": "string"},
                    "code_expires_at": {"type": "string", "format": "date-time"},
                }, "code_sent"),
                "MobileChanged": _answer_schema({
                    "reference": {"type": "string"},
                    "change_reference": {"type": "string"},
                    "changed_at": {"type": "string", "format": "date-time"},
                }, "changed"),
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
