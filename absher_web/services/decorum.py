"""Public decorum violations (تسجيل مخالفات الذوق العام إلكترونيًا) and objections to them.

- An officer of the decorum_officer role records a violation (``record``): the person's
  ID (checked against the civil registry), the item of the regulation's schedule
  (agencies/decorum.py), the place and time. The fine is the item's, doubled when the same
  person committed the same item within a year (``is_repeat``). Audited with the officer;
  the person, when they have an account, is texted in their language.
- The holder pays it through a bill (``bill``; the bank pays it, ``carry_on`` marks it
  paid, once), or objects within ABSHER_DECORUM_OBJECTION_DAYS of its recording
  (``object_to``) with a written reason and attachments. An objection is a request
  (services/requests.py, Kind OBJECTION) that goes straight to the objections committee of
  the violation's city.
- While an objection is open the fine cannot be paid: sending it cancels the unpaid bill,
  and a bill the bank paid at that very moment is kept with the objection (paid_objected).
  The committee accepts (the violation cancelled; a paid fine refunded through
  bills.cancel) or rejects with a reason (the fine payable again, or kept as paid); the
  holder may withdraw it until then. One objection decided per violation.

Every change of a violation's state is one conditional UPDATE on the state it leaves, so a
payment, an objection and a decision arriving together cannot both win.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, decorum
from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    DecorumStatus,
    DecorumViolation,
    RequestStatus,
    ServiceRequest,
    StaffUser,
    Upload,
)
from absher_web.services import audit, bills, notices, requests, staff, uploads
from absher_web.services.activation import account_by_national_id
from absher_web.services.eservices import fees

SERVICE = "decorum_fine"  # its bills' service (services/bills.py)
OBJECTION = "decorum_objection"  # its objections' Kind (services/requests.py)
RECORDED_AUDIT_KIND = "decorum_violation_recorded"
BILLED_AUDIT_KIND = "decorum_fine_billed"
PAID_AUDIT_KIND = "decorum_fine_paid"
AWAITING_COMMITTEE = "objection"  # the reason code an objection goes to the committee with
PLACE_MAX = 200
REASON_MIN = 10  # a reason the committee can weigh: a sentence, not a word
REASON_MAX = 1000
ATTACHMENTS_MAX = 3
RECORD_PAST_DAYS = 30  # an officer records what happened in the last thirty days
SHOWN = 100  # a holder's violations shown, newest first

D = DecorumStatus
OPEN_OBJECTION = (D.OBJECTED, D.PAID_OBJECTED)


class NotAllowed(Exception):
    """The officer may not record violations (no role, no city): the page answers 403."""


class Refusal(enum.StrEnum):
    UNKNOWN_PERSON = "unknown_person"  # the civil registry has no one with that ID
    OBJECTION_OPEN = "objection_open"  # cannot be paid (or objected again) meanwhile
    PAID = "paid"
    PAYMENT_RECEIVED = "payment_received"  # a bank paid its bill; being recorded
    CANCELLED = "cancelled"  # the committee accepted an objection: nothing to pay
    LATE = "late"  # the objection period closed
    DECIDED = "decided"  # an objection to it was rejected already


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    closed_at: datetime | None = None  # when the objection period ended (LATE)


# --- recording -------------------------------------------------------------------------------

def may_record(officer: StaffUser | None) -> bool:
    return staff.has_role(officer, staff.DECORUM_OFFICER) and bool(officer.city)


def is_repeat(session: Session, national_id: str, code: str, occurred_at: datetime) -> bool:
    """Whether the person committed the same item within the year before (Article 8):
    a violation cancelled by the committee does not count."""
    since = occurred_at - timedelta(days=decorum.REPEAT_WITHIN_DAYS)
    return session.scalar(select(DecorumViolation.id).where(
        DecorumViolation.national_id == national_id, DecorumViolation.article == code,
        DecorumViolation.status != D.CANCELLED, DecorumViolation.occurred_at >= since,
        DecorumViolation.occurred_at <= occurred_at).limit(1)) is not None


def record(session: Session, officer: StaffUser, *, national_id: str, code: str, place: str,
           occurred_at: datetime, now: datetime,
           client_address: str | None = None) -> DecorumViolation | Refused:
    """Record a violation in the officer's city; the person's notice is queued (the caller
    sends it with requests.commit_and_tell). NotAllowed for an officer without the role."""
    if not may_record(officer):
        raise NotAllowed(officer.username if officer else "")
    article = decorum.article(code)
    if article is None or not place.strip() or occurred_at > now:
        raise ValueError("the form checks the item, the place and the time")
    person = civil_registry.find_person(session, national_id)
    if person is None:
        return Refused(Refusal.UNKNOWN_PERSON)
    repeat = is_repeat(session, person.national_id, code, occurred_at)
    for _ in range(5):  # a number already taken is drawn again
        made = DecorumViolation(
            number=requests.new_number(), national_id=person.national_id, article=code,
            repeat=repeat, fine=article.fine(repeat), city=officer.city,
            place=" ".join(place.split())[:PLACE_MAX], occurred_at=occurred_at,
            recorded_at=now, recorded_by=officer.id, status=D.UNPAID, changed_at=now)
        try:
            with session.begin_nested():
                session.add(made)
        except IntegrityError:
            continue
        break
    else:
        raise RuntimeError("could not draw a free violation number")
    account = account_by_national_id(session, person.national_id)
    audit.record(session, RECORDED_AUDIT_KIND, now, account.id if account else None,
                 client_address, staff_user_id=officer.id, violation=made.number,
                 article=code, fine=made.fine, repeat=repeat)
    if account is not None:
        requests.tell_after_commit(session, notices.queue(
            session, notices.DECORUM_RECORDED, account, now, number=made.number,
            amount=fees.amount_in(account.preferred_language, made.fine)))
    return made


# --- the holder's violations -------------------------------------------------------------------

def of_holder(session: Session, account: Account, limit: int = SHOWN) -> list[DecorumViolation]:
    return list(session.scalars(select(DecorumViolation).where(
        DecorumViolation.national_id == account.national_id)
        .order_by(DecorumViolation.recorded_at.desc(), DecorumViolation.id.desc())
        .limit(limit)))


def of_holder_by_number(session: Session, account: Account,
                        number: str) -> DecorumViolation | None:
    """The holder's violation of that number; None for anyone else's (or none at all)."""
    if not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    return session.scalars(select(DecorumViolation).where(
        DecorumViolation.number == number,
        DecorumViolation.national_id == account.national_id)).first()


def by_number(session: Session, number: str) -> DecorumViolation | None:
    return session.scalars(select(DecorumViolation).where(
        DecorumViolation.number == number)).first()


def objection_closes(violation: DecorumViolation, days: int) -> datetime:
    """The moment the objection period ends: ``days`` after the violation was recorded."""
    return violation.recorded_at + timedelta(days=days)


def objections_of(session: Session, violation: DecorumViolation) -> list[ServiceRequest]:
    """Every objection to the violation, the latest first (a withdrawn one keeps its
    number with its key changed, services/requests.WITHDRAWN_KEY)."""
    return list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.service == OBJECTION,
        or_(ServiceRequest.request_key == violation.number,
            ServiceRequest.request_key.startswith(violation.number + "~")))
        .order_by(ServiceRequest.id.desc())))


def latest_bill(session: Session, violation: DecorumViolation) -> Bill | None:
    return session.scalars(select(Bill).where(
        Bill.service == SERVICE, Bill.request_key == violation.number)
        .order_by(Bill.id.desc())).first()


def _moved(session: Session, violation: DecorumViolation, leaving: DecorumStatus,
           to: DecorumStatus, now: datetime) -> bool:
    changed = session.execute(
        update(DecorumViolation).where(DecorumViolation.id == violation.id,
                                       DecorumViolation.status == leaving)
        .values(status=to, changed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(violation)
    return changed == 1


def _refusal_for(violation: DecorumViolation) -> Refused:
    if violation.status in OPEN_OBJECTION:
        return Refused(Refusal.OBJECTION_OPEN)
    if violation.status is D.CANCELLED:
        return Refused(Refusal.CANCELLED)
    return Refused(Refusal.PAID)


# --- paying --------------------------------------------------------------------------------------

def bill(session: Session, account: Account, violation: DecorumViolation, now: datetime,
         lifetime: timedelta, client_address: str | None = None) -> Bill | Refused:
    """The bill that pays an unpaid violation: a new one, or the unpaid one it has.
    Refused while an objection is open, once it is paid or cancelled. Commits."""
    if violation.status is not D.UNPAID:
        return _refusal_for(violation)
    if session.scalar(select(Bill.id).where(Bill.service == SERVICE,
                                            Bill.request_key == violation.number,
                                            Bill.status == BillStatus.PAID)) is not None:
        return Refused(Refusal.PAYMENT_RECEIVED)
    # Held while the bill is issued: an objection sent at the same moment waits for this
    # transaction, then finds the bill and cancels it (or this one finds it objected).
    if not _moved(session, violation, D.UNPAID, D.UNPAID, violation.changed_at):
        session.rollback()
        return _refusal_for(violation)
    issued = fees.bill_for(session, service=SERVICE, request_key=violation.number,
                           account=account, beneficiary_id=violation.national_id,
                           amount=violation.fine, now=now, lifetime=lifetime,
                           details={"violation_id": violation.id})
    audit.record(session, BILLED_AUDIT_KIND, now, account.id, client_address,
                 violation=violation.number, bill=issued.number)
    session.commit()
    return issued


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """A paid bill's violation marked paid (kept with its objection if one went in at that
    very moment), audited, its holder texted; Undeliverable (the bill is refunded) when
    the violation is gone, cancelled by the committee, or paid by another bill."""
    # The violation without waiting: an objection or a decision holds it, then the bill, so
    # waiting here (the bill held) could deadlock with the holder's own request. Busy, this
    # step fails at once and run-due carries the bill on again shortly.
    session.execute(select(DecorumViolation.id).where(
        DecorumViolation.id == paid.details.get("violation_id")).with_for_update(nowait=True))
    violation = session.get(DecorumViolation, paid.details.get("violation_id"))
    if violation is None or violation.number != paid.request_key:
        raise bills.Undeliverable("violation_gone")
    if not (_moved(session, violation, D.UNPAID, D.PAID, now)
            or _moved(session, violation, D.OBJECTED, D.PAID_OBJECTED, now)):
        raise bills.Undeliverable(f"violation_{violation.status.value}"[:40])
    audit.record(session, PAID_AUDIT_KIND, now, paid.account_id, None,
                 violation=violation.number, bill=paid.number)
    # Sent by run-due: no outside call inside the transaction that carries the bill on.
    notices.queue(session, notices.DECORUM_PAID, paid.account, now, at_once=False,
                  number=violation.number,
                  amount=fees.amount_in(paid.account.preferred_language, paid.amount))


def refundable(session: Session, paid: Bill) -> bool:
    """A paid fine goes back when the committee cancelled its violation (or before the
    payment was recorded against it)."""
    violation = session.get(DecorumViolation, paid.details.get("violation_id"))
    return paid.fulfilled_at is None or (violation is not None
                                         and violation.status is D.CANCELLED)


bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable))


# --- objecting -----------------------------------------------------------------------------------

def object_to(session: Session, account: Account, violation: DecorumViolation, *,
              reason: str, attachments: list[Upload], days: int, now: datetime,
              client_address: str | None = None) -> ServiceRequest | Refused:
    """Send the holder's objection to the committee of the violation's city: the
    objection, or why not (the period closed, one open or decided already, cancelled).
    The unpaid bill is cancelled with it. Commits."""
    closes = objection_closes(violation, days)
    if now >= closes:
        return Refused(Refusal.LATE, closes)
    if any(found.status is RequestStatus.REFUSED for found in objections_of(session, violation)):
        return Refused(Refusal.DECIDED)
    for _ in range(3):  # paid meanwhile: the objection is to a paid fine
        leaving = violation.status
        if leaving in OPEN_OBJECTION or leaving is D.CANCELLED:
            session.rollback()
            return _refusal_for(violation)
        to = D.OBJECTED if leaving is D.UNPAID else D.PAID_OBJECTED
        if _moved(session, violation, leaving, to, now):
            break
    else:
        session.rollback()
        return _refusal_for(violation)
    if to is D.OBJECTED:
        unpaid = bills.open_bill_for(session, SERVICE, violation.number)
        if unpaid is not None:
            # Only while it is still unpaid: a payment landing at this instant is kept with
            # the objection (carry_on makes it paid and objected), refunded if accepted.
            bills.move(session, unpaid, BillStatus.UNPAID, BillStatus.CANCELLED, now)
    made, new = requests.submit(
        session, service=OBJECTION, request_key=violation.number, account=account,
        beneficiary_id=violation.national_id, now=now, office_city=violation.city,
        details={"violation": violation.number, "article": violation.article,
                 "reason": reason.strip()[:REASON_MAX]},
        client_address=client_address)
    if not new:
        session.rollback()
        return Refused(Refusal.OBJECTION_OPEN)
    uploads.attach(session, attachments[:ATTACHMENTS_MAX], uploads.request_holder(made.id), now)
    requests.move(session, made, RequestStatus.UNDER_REVIEW, now,
                  client_address=client_address, reason=AWAITING_COMMITTEE)
    session.commit()
    return made


def files_of(session: Session, objection: ServiceRequest) -> list[Upload]:
    """The files the holder sent with the objection."""
    return uploads.held_by(session, uploads.request_holder(objection.id))


def _violation_of(session: Session, objection: ServiceRequest) -> DecorumViolation:
    found = by_number(session, (objection.details or {}).get("violation", ""))
    if found is None:
        raise LookupError(f"objection {objection.number} names no violation")
    return found


def accepted(session: Session, objection: ServiceRequest, now: datetime) -> None:
    """The committee accepted: the violation is cancelled, its bills ended (an unpaid one
    cancelled, a paid one refunded through the outbox)."""
    violation = _violation_of(session, objection)
    for leaving in OPEN_OBJECTION:
        if _moved(session, violation, leaving, D.CANCELLED, now):
            break
    for found in session.scalars(select(Bill).where(
            Bill.service == SERVICE, Bill.request_key == violation.number,
            Bill.status.in_((BillStatus.UNPAID, BillStatus.PAID)))):
        bills.cancel(session, found, now)


def ended(session: Session, objection: ServiceRequest, now: datetime) -> None:
    """Rejected or withdrawn: the violation stands as it was (payable, or paid)."""
    violation = _violation_of(session, objection)
    if not _moved(session, violation, D.OBJECTED, D.UNPAID, now):
        _moved(session, violation, D.PAID_OBJECTED, D.PAID, now)


# The photographs or PDFs sent with an objection: the committee reads them.
uploads.register_purpose(OBJECTION, staff_roles=(staff.OBJECTIONS_COMMITTEE,))

ARTICLE_WORDS = {article.code: article.description for article in decorum.ARTICLES}

requests.register(requests.Kind(
    OBJECTION,
    # TRANSLATORS: The name of a request: the holder's objection to a public decorum
    # violation, decided by an objections committee (My requests, the committee's queue).
    title=_l("Objection to a public decorum violation"),
    role=staff.OBJECTIONS_COMMITTEE,
    # TRANSLATORS: Why an objection waits in the objections committee's queue.
    reasons={AWAITING_COMMITTEE: _l("The holder objects to the violation. Read their reason "
                                    "and attachments, then accept or reject it.")},
    endpoint="decorum.page",
    on_approved=accepted,
    on_ended=ended,
    status_names={
        # TRANSLATORS: The state of an objection to a public decorum violation on My
        # requests: the objections committee accepted it (the fine is cancelled).
        RequestStatus.APPROVED: _l("Objection accepted"),
        # TRANSLATORS: The state of an objection to a public decorum violation on My
        # requests: the objections committee rejected it (the fine is payable again).
        RequestStatus.REFUSED: _l("Objection rejected")},
    detail_labels={
        # TRANSLATORS: A label in the objections committee's case: the violation's number.
        "violation": _l("Violation number"),
        # TRANSLATORS: A label: the item of the Public Decorum Regulation's schedule.
        "article": _l("Violation"),
        # TRANSLATORS: A label: the holder's written reason for objecting.
        "reason": _l("The holder's reason"),
    },
    detail_values={"article": ARTICLE_WORDS},
))


# --- export ------------------------------------------------------------------------------

def _in_language(text: object, account: Account) -> str:
    with force_locale(account.preferred_language.value):
        return str(text)


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's violations, each with its objections, JSON-safe (data export)."""
    listed = []
    for violation in of_holder(session, account, limit=10_000):
        article = decorum.article(violation.article)
        listed.append({
            "number": violation.number,
            "article": violation.article,
            "description": _in_language(article.description, account) if article else None,
            "repeat": violation.repeat,
            "fine_halalas": violation.fine,
            "fine": fees.amount_in(account.preferred_language, violation.fine),
            "city": violation.city,
            "place": violation.place,
            "occurred_at": violation.occurred_at.isoformat(),
            "recorded_at": violation.recorded_at.isoformat(),
            "status": violation.status.value,
            "objections": [{
                "number": found.number,
                "status": found.status.value,
                "reason": (found.details or {}).get("reason"),
                "attachments": len(files_of(session, found)),
                "committee_reason": found.note,
                "sent_at": found.created_at.isoformat(),
                "changed_at": found.changed_at.isoformat(),
            } for found in objections_of(session, violation)],
        })
    return listed
