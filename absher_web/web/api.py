"""The activation API for banks (ATM) and kiosk operators: signed JSON, no cookies, no CSRF.

Each request is checked in this order: the form of the signature headers, then the
client and its signature (401/403; once per request, shared with the rate limit, which
counts per verified client or else per address), the body's form (400/415/422), then
the reference: a reference already answered gets that first answer again, byte for
byte. Only then does the service act.
The OpenAPI document (absher_web/openapi.py) describes every answer given here; the banks'
payment notices (web/api_payments.py) are checked and kept with these same pieces.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy.exc import IntegrityError

from absher_web import observability, signing
from absher_web.extensions import client_address, csrf, db, limiter
from absher_web.identity import is_valid_national_id
from absher_web.models import (
    Account,
    Activation,
    ActivationRequestStatus,
    ActivationState,
    ApiClient,
    ApiClientKind,
    CodePurpose,
)
from absher_web.models import utcnow as now_utc
from absher_web.openapi import ERROR_MESSAGES, document, whole_value
from absher_web.services import activation, api_clients, assisted_mobile, outbox
from absher_web.services.policies import current_policies

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # a signature authenticates each request; no cookie is read or set

MOBILE, TERMINAL, REFERENCE, DATE_TIME, CODE = (
    whole_value(name) for name in ("mobile", "terminal_id", "reference", "date_time", "code"))
# How old a holder's confirmation may be when the bank sends it.
OLDEST_REQUEST = timedelta(days=1)


class ApiError(Exception):
    def __init__(self, status: int, code: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.fields = status, code, fields or {}


def error_body(code: str, fields: dict[str, str] | None = None) -> dict:
    error: dict = {"code": code, "message": ERROR_MESSAGES[code]}
    if fields:
        error["fields"] = fields
    return {"error": error}


def json_response(body: dict, status: int, replayed: bool = False) -> Response:
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status,
        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def json_error(status: int, code: str, fields: dict[str, str] | None = None) -> Response:
    return json_response(error_body(code, fields), status)


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    observability.API_REFUSALS.labels(error.code).inc()
    # One line per refusal: what and from where, never the body (it holds an ID number).
    observability.security_log.info(
        "activation API refused %s %s: %s", request.method, request.path, error.code,
        extra={"event": "api_refused", "code": error.code, "status": error.status,
               "client_address": client_address()})
    return json_error(error.status, error.code, error.fields)


def api_limit_key() -> str:
    # Counted per verified client, so a bank's systems share one count whatever their
    # addresses; a request that is not verifiably signed counts against its address, so
    # naming a new (or a real bank's) code in each request neither escapes the limit nor
    # uses up a bank's count.
    verified = verified_client()
    if isinstance(verified, ApiClient):
        return f"client:{verified.code}"
    return f"address:{client_address()}"


# --- who is calling ----------------------------------------------------------------

# A key no client has: an unknown code costs the same HMAC as a known one, so the time an
# answer takes does not tell real codes from made-up ones either.
NO_CLIENT_KEY = "no client has this key"


def verified_client() -> ApiClient | ApiError:
    """Who signed this request, or why it is refused; checked once per request.

    The rate limit's key function asks first, the view later: both get the same answer
    (kept in g), so a refusal is the same error whichever asks.
    """
    if "api_verified_client" not in g:
        try:
            g.api_verified_client = check_signature()
        except ApiError as error:
            g.api_verified_client = error
    return g.api_verified_client


def check_signature() -> ApiClient:
    headers = request.headers
    code = headers.get(signing.CLIENT_HEADER, "")
    timestamp = headers.get(signing.TIMESTAMP_HEADER, "")
    signature = headers.get(signing.SIGNATURE_HEADER, "")
    if not (code and timestamp and signature):
        raise ApiError(401, "missing_signature")
    # The form of every header before any other use: the code goes to the database next,
    # and PostgreSQL refuses text with NUL in it (which would be a 503, not a 401).
    malformed = signing.malformed_headers(code, timestamp, signature)
    if malformed:
        refused("malformed " + ", ".join(malformed), None)
        raise ApiError(401, "missing_signature")
    tolerance = current_app.config["API_SIGNATURE_TOLERANCE_SECONDS"]
    if not signing.timestamp_is_fresh(timestamp, time.time(), tolerance):
        raise ApiError(401, "stale_timestamp")
    client = api_clients.find_client(db.session, code)
    key = None
    if client is not None and client.is_active:
        key = api_clients.signing_key(api_clients.cipher_from_config(current_app.config),
                                      client)
    body = request.get_data(cache=True)
    matches = signing.signature_matches(key or NO_CLIENT_KEY, timestamp, body, signature)
    if key is None or not matches:
        # One answer for all of these: telling "unknown client" from "bad signature"
        # would let anyone find out which codes are real banks. Operators see the reason.
        refused(refusal_reason(client, key), code)
        raise ApiError(401, "bad_signature")
    return client


def refusal_reason(client: ApiClient | None, key: str | None) -> str:
    if client is None:
        return "no client has this code"
    if not client.is_active:
        return "the client is disabled"
    if key is None:
        return "the client's key cannot be decrypted"
    return "the signature does not match"


def refused(reason: str, code: str | None) -> None:
    # Only a code in the client-code form is logged (no control characters to forge log
    # lines with); never the signature nor anything derived from a key.
    log.warning("activation API: refused %s %s from %s (client %s): %s", request.method,
                request.path, client_address(), code or "not named", reason)


def authenticated_client(kind: ApiClientKind) -> ApiClient:
    verified = verified_client()
    if isinstance(verified, ApiError):
        raise verified
    if verified.kind is not kind:
        raise ApiError(403, "wrong_client_kind")
    return verified


# --- what is asked ----------------------------------------------------------------

@dataclass(frozen=True)
class BodyShape:
    client_field: str  # bank_code or operator_code: must name the signing client
    terminal_field: str  # atm_id or kiosk_id


ATM_BODY = BodyShape("bank_code", "atm_id")
KIOSK_BODY = BodyShape("operator_code", "kiosk_id")


def parse_body(shape: BodyShape, client: ApiClient) -> activation.RemoteRequest:
    names = ("national_id", "mobile", shape.client_field, shape.terminal_field, "reference",
             "requested_at")
    values = parse_fields(names, client_checks(shape, client))
    return activation.RemoteRequest(
        national_id=values["national_id"], mobile=values["mobile"],
        terminal_id=values[shape.terminal_field], reference=values["reference"],
        requested_at=parse_time(values["requested_at"]),
    )


Check = tuple[Callable[[str], object], str]  # a test of a value, and the problem if it fails


def client_checks(shape: BodyShape, client: ApiClient) -> dict[str, Check]:
    """How each field any request may carry is checked (each body names its own)."""
    return {
        "national_id": (lambda v: v.isascii() and is_valid_national_id(v),
                        "must be a valid 10-digit ID or iqama number"),
        "mobile": (MOBILE.fullmatch, "must be +9665 followed by 8 digits"),
        "new_mobile": (MOBILE.fullmatch, "must be +9665 followed by 8 digits"),
        shape.client_field: (lambda v: v == client.code, "must be the code in X-Absher-Client"),
        shape.terminal_field: (TERMINAL.fullmatch, "1-40 letters, digits, '.', '_' or '-'"),
        "reference": (REFERENCE.fullmatch, "1-80 letters, digits, '.', '_', ':' or '-'"),
        "change_reference": (REFERENCE.fullmatch, "1-80 letters, digits, '.', '_', ':' or '-'"),
        "code": (CODE.fullmatch, "must be 6 digits"),
        "requested_at": (parse_time, "must be an RFC 3339 date-time with a time zone, not in "
                                     "the future and at most a day old"),
    }


def parse_fields(names: tuple[str, ...], checks: dict[str, Check],
                 whole_numbers: tuple[str, ...] = ()) -> dict[str, str]:
    """The body's fields, each a string in its documented form (or, for ``whole_numbers``,
    a JSON integer), or a 415/400/422 refusal."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type")
    body = load_json(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_request", {"": "must be a JSON object"})
    problems = unexpected_fields(name for name in body if name not in names)
    values: dict[str, str] = {}
    for name in names:
        value = body.get(name)
        if value is None:
            problems[name] = "required"
        elif name in whole_numbers:
            if isinstance(value, int) and not isinstance(value, bool):
                values[name] = value
            else:  # 100.0, "100", true: never taken for an amount
                problems[name] = "must be a whole number (a JSON integer)"
        elif not isinstance(value, str):
            problems[name] = "must be a string"
        else:
            values[name] = value
    for name, value in values.items():
        check, problem = checks[name]
        if not check(value):
            problems[name] = problem
    if problems:
        raise ApiError(422, "invalid_request", problems)
    return values


def load_json(raw: bytes) -> object:
    """The body as JSON (RFC 8259: UTF-8, no NaN or Infinity), or a 400 invalid_json."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse_constant)
    # RecursionError: nested too deeply for the parser (a signed body of 20,000 "[").
    # ValueError also covers bad UTF-8 and integers too long to convert.
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json") from None


def refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# An unexpected field is named back to the caller only if its name is plain: any other
# text (lone surrogates, control or bidi characters, a megabyte of name) is not echoed,
# so every answer encodes as UTF-8 JSON and reflects none of the caller's odd text.
PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_NAMED = 10


def unexpected_fields(names: Iterable[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    others = False
    for name in names:
        if PLAIN_NAME.fullmatch(name) and len(problems) < MAX_NAMED:
            problems[name] = "unexpected field"
        else:
            others = True
    if others:
        problems["*"] = "other unexpected fields (names not shown)"
    return problems


def parse_time(value: str) -> datetime | None:
    """The time the holder confirmed at the ATM or kiosk, if it is a believable one."""
    if not DATE_TIME.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        now = now_utc()
        tolerance = timedelta(seconds=current_app.config["API_SIGNATURE_TOLERANCE_SECONDS"])
        if not now - OLDEST_REQUEST <= parsed <= now + tolerance:
            return None
    except (ValueError, OverflowError):
        return None
    return parsed


# --- doing it once -----------------------------------------------------------------

def success_body(made: Activation) -> dict:
    active = made.status is ActivationRequestStatus.DONE
    return {
        "activation_id": made.id,
        "reference": made.reference,
        "channel": made.channel.value,
        "status": ActivationState.ACTIVE.value if active else ActivationState.PENDING.value,
        "effective_at": made.effective_at.isoformat().replace("+00:00", "Z"),
    }


REFUSAL_STATUS = {
    activation.Refusal.ACCOUNT_NOT_FOUND: 404,
    activation.Refusal.MOBILE_MISMATCH: 409,
    activation.Refusal.ALREADY_ACTIVE: 409,
    activation.Refusal.ALREADY_PENDING: 409,
}


def answer_once(shape: BodyShape, kind: ApiClientKind) -> Response:
    channel = activation.channel_reported_by(kind)
    client = authenticated_client(kind)
    asked = parse_body(shape, client)
    digest = body_digest()
    first = earlier_answer(client.code, asked.reference, digest)
    if first is not None:
        return first
    session, now = db.session, now_utc()
    try:
        outcome = activation.request_remote(
            session, activation.Settings.from_config(current_app.config), client, asked, now)
        if isinstance(outcome, activation.Refusal):
            status, body = REFUSAL_STATUS[outcome], error_body(outcome.value)
        else:
            # 201: active now; 202: accepted, active once the channel's delay has passed.
            status, body = (201 if channel.at_once else 202), success_body(outcome)
        api_clients.remember_answer(session, client.code, asked.reference, digest, status,
                                    body, now)
        session.commit()
    except IntegrityError:
        # The same reference arrived twice at once; the other request's answer stands.
        session.rollback()
        first = earlier_answer(client.code, asked.reference, digest)
        if first is None:
            raise
        return first
    if channel.at_once and not isinstance(outcome, activation.Refusal):
        activation.save_and_notify(session, session.get(Account, outcome.account_id), now)
    return json_response(body, status)


def earlier_answer(client_code: str, reference: str, digest: str) -> Response | None:
    earlier = api_clients.first_answer(db.session, client_code, reference)
    if earlier is None:
        return None
    if earlier.body_digest != digest:
        raise ApiError(409, "reference_reused")
    return json_response(earlier.response, earlier.status_code, replayed=True)


@bp.post("/atm-activations")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_limit_key)
def atm_activation() -> Response:
    """A bank reports that a card holder chose "Ministry of Interior e-portal" at its ATM."""
    return answer_once(ATM_BODY, ApiClientKind.BANK)


@bp.post("/kiosk-activations")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_limit_key)
def kiosk_activation() -> Response:
    """A kiosk verified the holder's fingerprints and mobile: active at once."""
    return answer_once(KIOSK_BODY, ApiClientKind.KIOSK)


# --- a new mobile number at a kiosk: a code to it, then the code the holder typed ------------

KIOSK_CODE_FIELDS = ("national_id", "new_mobile", "operator_code", "kiosk_id", "reference")
KIOSK_CONFIRM_FIELDS = ("national_id", "operator_code", "kiosk_id", "reference",
                        "change_reference", "code")
NUMBER_REFUSALS = {"staff_mobile_same": "mobile_same", "mobile_taken": "mobile_taken"}
# The code's own form is checked with the body's: a right-looking code is right or wrong.
CONFIRM_STATUS = {"changed": 200, "change_not_found": 404, "code_wrong": 422}  # others: 409


def utc_text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def keep(client: ApiClient, reference: str, digest: str, status: int, body: dict,
         now: datetime) -> Response:
    """Answer, and keep the answer for a repeat of the reference."""
    session = db.session
    try:
        api_clients.remember_answer(session, client.code, reference, digest, status, body, now)
        session.commit()
    except IntegrityError:  # the same reference answered meanwhile: that answer stands
        session.rollback()
        first = earlier_answer(client.code, reference, digest)
        if first is None:
            raise
        return first
    return json_response(body, status)


@bp.post("/kiosk-mobile-changes")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_limit_key)
def kiosk_mobile_change() -> Response:
    """A kiosk verified the holder's fingerprints; text a code to their new number."""
    client = authenticated_client(ApiClientKind.KIOSK)
    values = parse_fields(KIOSK_CODE_FIELDS, client_checks(KIOSK_BODY, client))
    reference, digest = values["reference"], body_digest()
    first = earlier_answer(client.code, reference, digest)
    if first is not None:
        return first
    session, now, policies = db.session, now_utc(), current_policies()
    account = activation.account_by_national_id(session, values["national_id"])
    if account is None:
        return keep(client, reference, digest, 404, error_body("account_not_found"), now)
    chosen = assisted_mobile.new_number(session, account, values["new_mobile"])
    if not chosen.ok:
        refusal = NUMBER_REFUSALS[chosen.errors["mobile"]]
        return keep(client, reference, digest, 409, error_body(refusal), now)
    flow_id = assisted_mobile.kiosk_flow_id(client.code, account.id, reference)
    sent = assisted_mobile.send_code(session, policies, CodePurpose.KIOSK_MOBILE, flow_id,
                                     account, chosen.mobile, now)
    if sent.problem:  # no code left: nothing is kept, the same request may come again
        first = earlier_answer(client.code, reference, digest)  # or it just did, at once
        if first is not None:
            return first
        raise ApiError(503, "sms_failed") if sent.problem in ("sms_failed", "sms_paused") else \
            ApiError(429, "too_many_codes")
    body = {"reference": reference, "status": "code_sent",
            "code_expires_at": utc_text(now + policies.codes.ttl)}
    return keep(client, reference, digest, 202, body, now)


@bp.post("/kiosk-mobile-confirmations")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_limit_key)
def kiosk_mobile_confirmation() -> Response:
    """The holder typed the code at the kiosk: if right, the new number is the account's."""
    client = authenticated_client(ApiClientKind.KIOSK)
    values = parse_fields(KIOSK_CONFIRM_FIELDS, client_checks(KIOSK_BODY, client))
    reference, digest = values["reference"], body_digest()
    session, now = db.session, now_utc()
    # Held until the answer is kept: a repeat sent at once waits, then gets that answer.
    account = activation.account_by_national_id(session, values["national_id"], lock=True)
    first = earlier_answer(client.code, reference, digest)
    if first is not None:
        session.rollback()
        return first
    outcome, old_mobile = "account_not_found", None
    if account is not None:
        outcome, old_mobile = assisted_mobile.confirm_at_kiosk(
            session, current_policies(), client.code, account, values["change_reference"],
            values["code"], now, client_address(), kiosk=values["kiosk_id"],
            reference=reference)
    status = 404 if account is None else CONFIRM_STATUS.get(outcome, 409)
    body = {"reference": reference, "change_reference": values["change_reference"],
            "status": "changed", "changed_at": utc_text(now)} if old_mobile \
        else error_body(outcome)
    try:
        # The change, its notice and this answer: one commit.
        notice = assisted_mobile.tell_old_number(session, account, old_mobile, now) \
            if old_mobile else None
        api_clients.remember_answer(session, client.code, reference, digest, status, body, now)
        session.commit()
    except IntegrityError:
        session.rollback()
        first = earlier_answer(client.code, reference, digest)
        if first is not None:
            return first
        # Another account took the new number between the check and the write.
        return keep(client, reference, digest, 409, error_body("mobile_taken"), now)
    if notice is not None:
        outbox.deliver(session, notice, now)
    return json_response(body, status)


def body_digest() -> str:
    return hashlib.sha256(request.get_data(cache=True)).hexdigest()


@bp.get("/openapi.json")
def openapi() -> Response:
    return json_response(document(), 200)
