"""The banks' payment notices: a bank tells the portal that a holder paid a bill.

Signed, checked and answered exactly as the activation API (web/api.py): the signature
and the client's kind first (a bank only), then the body's form, then the reference, whose
first answer is given again to a repeat. Only then is the payment applied
(services/bills.pay), its answer kept under the reference in the same transaction, and,
once committed, the paid request carried on (services/bills.carry_on). A database that
cannot be reached answers 503 with Retry-After (web/errors.py) and keeps nothing, so the
bank's retry with the same reference is applied as if it came first.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import IntegrityError

from absher_web import observability
from absher_web.extensions import csrf, db, limiter
from absher_web.models import ApiClient, ApiClientKind, Bill
from absher_web.models import utcnow as now_utc
from absher_web.openapi import MAX_AMOUNT, whole_value
from absher_web.services import api_clients, bills
from absher_web.web.api import (
    ATM_BODY,
    ApiError,
    api_error,
    api_limit_key,
    authenticated_client,
    body_digest,
    client_checks,
    earlier_answer,
    error_body,
    json_response,
    parse_fields,
    parse_time,
    utc_text,
)

bp = Blueprint("api_payments", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # a signature authenticates each request; no cookie is read or set
bp.register_error_handler(ApiError, api_error)

NOTICE_FIELDS = ("bill_number", "amount", "bank_code", "reference", "paid_at")
BILL_NUMBER = whole_value("bill_number")

# How each refusal of services/bills.pay is answered; PAID and REPEATED are 200.
REFUSAL_STATUS = {
    bills.Outcome.UNKNOWN: 404,
    bills.Outcome.EXPIRED: 409,
    bills.Outcome.CANCELLED: 409,
    bills.Outcome.ALREADY_PAID: 409,
    bills.Outcome.AMOUNT_WRONG: 422,
}


def parse_notice(client: ApiClient) -> bills.Payment:
    checks = {
        **client_checks(ATM_BODY, client),
        "bill_number": (BILL_NUMBER.fullmatch, "must be the bill's 13 digits"),
        "amount": (lambda v: 1 <= v <= MAX_AMOUNT,
                   f"must be the amount paid in halalas, 1 to {MAX_AMOUNT}"),
        "paid_at": (parse_time, "must be an RFC 3339 date-time with a time zone, not in the "
                                "future and at most a day old"),
    }
    values = parse_fields(NOTICE_FIELDS, checks, whole_numbers=("amount",))
    if not bills.is_valid_number(values["bill_number"]):
        # A digit mistyped at the bank: no bill could have this number.
        raise ApiError(422, "bill_number_invalid")
    return bills.Payment(number=values["bill_number"], amount=values["amount"],
                         bank_code=client.code, reference=values["reference"],
                         paid_at=parse_time(values["paid_at"]))


def paid_body(bill: Bill) -> dict:
    return {"status": "paid", "bill_number": bill.number, "amount": bill.amount,
            "reference": bill.bank_reference, "paid_at": utc_text(bill.paid_at)}


@bp.post("/bill-payments")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=api_limit_key)
def bill_payment() -> Response:
    """A bank took a holder's payment of a bill: apply it once, carry the request on."""
    try:
        return answer_notice()
    except ApiError as refusal:  # unsigned, not a bank, not a notice, a reused reference
        observability.count_payment_notice(refusal.code)
        raise


def answer_notice() -> Response:
    client = authenticated_client(ApiClientKind.BANK)
    payment = parse_notice(client)
    digest = body_digest()
    first = replayed(client.code, payment.reference, digest)
    if first is not None:
        return first
    session, now = db.session, now_utc()
    try:
        outcome, bill = bills.pay(session, payment, now)
        if outcome in (bills.Outcome.PAID, bills.Outcome.REPEATED):
            status, body = 200, paid_body(bill)
        else:
            status, body = REFUSAL_STATUS[outcome], error_body(outcome.value)
        paid_id = bill.id if outcome is bills.Outcome.PAID else None
        api_clients.remember_answer(session, client.code, payment.reference, digest, status,
                                    body, now)
        session.commit()
    except IntegrityError:
        # The same reference arrived at once on another request: its answer stands (and
        # the payment, if any, was its: this request's UPDATE changed nothing). With no
        # answer kept (past its retention), the bank gave this reference to another bill's
        # payment: a bill keeps one payment per bank and reference.
        session.rollback()
        first = replayed(client.code, payment.reference, digest)
        if first is None:
            raise ApiError(409, "reference_reused") from None
        return first
    observability.count_payment_notice(outcome.value)
    if paid_id is not None:
        # After the commit: the bank's answer does not depend on the service's step, which
        # run-due tries again if it fails here.
        bills.carry_on(db.transaction, paid_id, now)
    return json_response(body, status)


def replayed(client_code: str, reference: str, digest: str) -> Response | None:
    """The answer kept for this reference, given again (counted as a repeated notice)."""
    first = earlier_answer(client_code, reference, digest)
    if first is not None:
        observability.count_payment_notice(bills.Outcome.REPEATED.value)
    return first
