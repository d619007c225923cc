"""Visas for Premium Residency holders (تأشيرات حاملي الإقامة المميزة): a holder requests a
visit visa for a relative abroad.

Premium Residency (the Premium Residency Law, 2019; the Premium Residency Center,
sapr.gov.sa) gives its holders the right to residence with their family and to visit visas
for their relatives. The path here:
- the holder fills the relative in (relation, names in Arabic and Latin letters,
  nationality, passport number, purpose, single or multiple entry, days of stay); the rules
  are checked in this order, each refusal naming its rule (``Refusal``): holds Premium
  Residency, it is still valid, the relation is one the visa is for (RELATIONS), the
  passport number is written as a foreign passport's is (agencies/passports.py), fewer than
  EServicePolicy.premium_visa_open_max requests still open, none open for that passport;
- ``quote`` shows the fee (premium_visit_visa_fee) before anything is saved; ``submit``
  makes the request (services/requests.py: one per relative's passport, ``request_key``,
  however many submits arrive at once) and its bill;
- once a bank pays the bill, ``carry_on`` sends it UNDER_REVIEW to the Passports officers
  of the holder's city (one conditional UPDATE; a request withdrawn or a residency that
  ended meanwhile is refunded instead);
- an officer approves (``issue_visa``: a visit visa number, recorded in the request and
  texted) or refuses with a reason (requests.move refunds the bill, the holder is texted);
- the holder may withdraw the request until it is decided (My requests), refunded if paid.
A decided request gives its passport back (``request_key`` freed on approval), so a later
visit can be asked for; a refused one keeps it: the holder sees the reason and asks at a
Passports office.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from absher_web.agencies import passports, premium_residencies
from absher_web.identity import luhn_check_digit, normalise_digits
from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    Language,
    RequestStatus,
    ServiceRequest,
)
from absher_web.models.premium import PremiumResidency
from absher_web.nationalities import NATIONALITIES, SAUDI_ARABIA
from absher_web.services import audit, bills, document_facts, notices, requests
from absher_web.services.eservices import fees, local_today
from absher_web.services.policies import EServicePolicy, current_policies

SERVICE = "premium_visit_visa"  # its requests' and its bills' service
AWAITING_DECISION = "awaiting_decision"  # why a paid request waits: officers decide each
NOT_ELIGIBLE = "not_eligible"  # an officer's refusal (their words go in the note)
ISSUED_AUDIT_KIND = "premium_visit_visa_issued"
VISA_DIGITS = 9  # then a check digit
NAME_MAX = 100


class Relation(enum.StrEnum):
    FATHER = "father"
    MOTHER = "mother"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    BROTHER = "brother"
    SISTER = "sister"
    GRANDPARENT = "grandparent"
    UNCLE_OR_AUNT = "uncle_or_aunt"
    COUSIN = "cousin"
    FRIEND = "friend"


# Whom a holder's visit visa is for: the holder's parents, spouse, children and siblings
# and grandparents (the family visit the programme's "visit visas for relatives" covers);
# the others are listed so the refusal can say so, and are sent to the tourist e-visa.
ALLOWED_RELATIONS = frozenset({Relation.FATHER, Relation.MOTHER, Relation.SPOUSE,
                               Relation.SON, Relation.DAUGHTER, Relation.BROTHER,
                               Relation.SISTER, Relation.GRANDPARENT})


RELATION_NAMES = {
    # TRANSLATORS: A choice: how a visitor is related to the Premium Residency holder who
    # asks for their visit visa (the visitor is the holder's father).
    Relation.FATHER: _l("Father"),
    # TRANSLATORS: A choice: the visitor is the holder's mother.
    Relation.MOTHER: _l("Mother"),
    # TRANSLATORS: A choice: the visitor is the holder's husband or wife.
    Relation.SPOUSE: _l("Husband or wife"),
    # TRANSLATORS: A choice: the visitor is the holder's son.
    Relation.SON: _l("Son"),
    # TRANSLATORS: A choice: the visitor is the holder's daughter.
    Relation.DAUGHTER: _l("Daughter"),
    # TRANSLATORS: A choice: the visitor is the holder's brother.
    Relation.BROTHER: _l("Brother"),
    # TRANSLATORS: A choice: the visitor is the holder's sister.
    Relation.SISTER: _l("Sister"),
    # TRANSLATORS: A choice: the visitor is the holder's grandfather or grandmother.
    Relation.GRANDPARENT: _l("Grandfather or grandmother"),
    # TRANSLATORS: A choice: the visitor is the holder's uncle or aunt.
    Relation.UNCLE_OR_AUNT: _l("Uncle or aunt"),
    # TRANSLATORS: A choice: the visitor is the holder's cousin.
    Relation.COUSIN: _l("Cousin"),
    # TRANSLATORS: A choice: the visitor is a friend of the holder, not a relative.
    Relation.FRIEND: _l("Friend"),
}


class Purpose(enum.StrEnum):
    FAMILY_VISIT = "family_visit"
    MEDICAL = "medical"
    OCCASION = "occasion"  # a wedding, a graduation, a funeral
    TOURISM = "tourism"


PURPOSE_NAMES = {
    # TRANSLATORS: A choice: the purpose of a relative's visit to the Kingdom.
    Purpose.FAMILY_VISIT: _l("Family visit"),
    # TRANSLATORS: A choice: the purpose of a relative's visit to the Kingdom.
    Purpose.MEDICAL: _l("Medical treatment"),
    # TRANSLATORS: A choice: the purpose of a relative's visit to the Kingdom.
    Purpose.OCCASION: _l("A family occasion, such as a wedding or a graduation"),
    # TRANSLATORS: A choice: the purpose of a relative's visit to the Kingdom.
    Purpose.TOURISM: _l("Tourism"),
}


class Entry(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"


ENTRY_NAMES = {
    # TRANSLATORS: A choice: a visit visa good for one entry into the Kingdom.
    Entry.SINGLE: _l("Single entry"),
    # TRANSLATORS: A choice: a visit visa good for several entries into the Kingdom.
    Entry.MULTIPLE: _l("Multiple entry"),
}


class Refusal(enum.StrEnum):
    NOT_HOLDER = "not_holder"
    EXPIRED = "expired"
    RELATION = "relation"
    PASSPORT_FORMAT = "passport_format"
    TOO_MANY_OPEN = "too_many_open"
    ALREADY_OPEN = "already_open"
    CHANGED = "changed"  # the fee changed between the quote and the confirmation


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    residency: PremiumResidency | None = None
    request: ServiceRequest | None = None  # the one already open for that passport


@dataclass(frozen=True)
class Relative:
    """The relative and the visit, as the holder typed them (the form checked each)."""

    relation: str
    name_ar: str
    name_en: str
    nationality: str
    passport: str
    purpose: str
    entry: str
    days: int

    @property
    def passport_key(self) -> str:
        """One request open per passport: the country and the number."""
        return f"{self.nationality}:{self.passport}"


@dataclass(frozen=True)
class Quote:
    relative: Relative
    residency: PremiumResidency
    fee: int  # halalas


@dataclass(frozen=True)
class Submitted:
    request: ServiceRequest
    new: bool


def nationality_choices() -> list[str]:
    """A relative abroad is a foreigner: every nationality the registry knows but Saudi."""
    return [code for code in NATIONALITIES if code != SAUDI_ARABIA]


def passport_number(typed: str) -> str:
    return normalise_digits(typed or "").replace(" ", "").upper()


def residency(session: Session, account: Account) -> PremiumResidency | None:
    return premium_residencies.residency_of(session, account.national_id)


def holder_refusal(session: Session, account: Account, now: datetime) -> Refused | None:
    """Why the holder may not ask at all (not a holder, residency expired), or None."""
    found = residency(session, account)
    if found is None or found.status is not premium_residencies.PremiumStatus.ACTIVE:
        return Refused(Refusal.NOT_HOLDER, found)
    if not premium_residencies.is_valid(found, local_today(now)):
        return Refused(Refusal.EXPIRED, found)
    return None


def open_count(session: Session, account: Account) -> int:
    return session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.account_id == account.id, ServiceRequest.service == SERVICE,
        ServiceRequest.status.in_(requests.OPEN))) or 0


def quote(session: Session, policy: EServicePolicy, account: Account, relative: Relative,
          now: datetime) -> Quote | Refused:
    """The fee, or the first rule the request fails (nothing is saved)."""
    refused = holder_refusal(session, account, now)
    if refused is not None:
        return refused
    found = residency(session, account)
    if relative.relation not in ALLOWED_RELATIONS:
        return Refused(Refusal.RELATION, found)
    if not passports.is_foreign_number(relative.passport):
        return Refused(Refusal.PASSPORT_FORMAT, found)
    already = requests.find(session, SERVICE, relative.passport_key)
    if already is not None and already.status in requests.OPEN:
        return Refused(Refusal.ALREADY_OPEN, found, already)
    if open_count(session, account) >= policy.premium_visa_open_max:
        return Refused(Refusal.TOO_MANY_OPEN, found)
    return Quote(relative, found, policy.premium_visit_visa_fee)


def _hold_holder(session: Session, account: Account) -> None:
    """Until this transaction ends, the holder's other submits wait (an UPDATE that changes
    nothing: a row lock on PostgreSQL, the write lock on SQLite), so the open requests are
    counted once each and never pass premium_visa_open_max."""
    session.execute(update(PremiumResidency)
                    .where(PremiumResidency.person_id == account.national_id)
                    .values(status=PremiumResidency.status)
                    .execution_options(synchronize_session=False))


def submit(session: Session, policy: EServicePolicy, account: Account, relative: Relative,
           seen_fee: int, now: datetime,
           client_address: str | None = None) -> Submitted | Refused:
    """The request as quoted, and its bill: refused when a rule now fails or the fee is not
    the one the holder saw (CHANGED). A repeated or simultaneous submit for the same
    passport gets the request made first. Commits."""
    _hold_holder(session, account)
    allowed = quote(session, policy, account, relative, now)
    if isinstance(allowed, Refused):
        if allowed.reason is Refusal.ALREADY_OPEN and allowed.request.account_id == account.id:
            return Submitted(allowed.request, False)
        return allowed
    if allowed.fee != seen_fee:
        return Refused(Refusal.CHANGED, allowed.residency)
    made, new = requests.submit(session, service=SERVICE, request_key=relative.passport_key,
                                account=account, beneficiary_id=account.national_id, now=now,
                                office_city=account.person.city,
                                details={**asdict(relative), "fee": allowed.fee,
                                         "certificate": allowed.residency.certificate_number},
                                client_address=client_address)
    if not new:
        session.rollback()
        if made.account_id != account.id:
            return Refused(Refusal.ALREADY_OPEN, allowed.residency, made)
        return Submitted(made, False)
    issued = fees.bill_for(session, service=SERVICE, request_key=made.number, account=account,
                           beneficiary_id=account.national_id, amount=allowed.fee, now=now,
                           lifetime=policy.bill_lifetime,
                           details={"request": made.number, "relative": relative.name_en})
    made.bill_id = issued.id
    requests.commit_and_tell(session, now)
    return Submitted(made, True)


def bill_of(session: Session, request: ServiceRequest | None) -> Bill | None:
    if request is None or request.bill_id is None:
        return None
    return session.get(Bill, request.bill_id)


def requests_of(session: Session, account: Account, limit: int = 50) -> list[ServiceRequest]:
    """The holder's visit visa requests, the newest first."""
    return list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.account_id == account.id, ServiceRequest.service == SERVICE)
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).limit(limit)))


def new_bill(session: Session, policy: EServicePolicy, account: Account,
             request: ServiceRequest, now: datetime) -> Bill | None:
    """A fresh bill for the holder's submitted request whose bill expired unpaid (None when
    it needs none). Commits."""
    if request.account_id != account.id:
        raise requests.NotAllowed(request.number)
    if request.service != SERVICE or request.status is not RequestStatus.SUBMITTED:
        return None
    held = bill_of(session, request)
    if held is not None and held.status is not BillStatus.EXPIRED and not (
            held.status is BillStatus.UNPAID and held.expires_at <= now):
        return None
    issued = fees.bill_for(session, service=SERVICE, request_key=request.number,
                           account=account, beneficiary_id=account.national_id,
                           amount=int(request.details["fee"]), now=now,
                           lifetime=policy.bill_lifetime,
                           details={"request": request.number,
                                    "relative": request.details.get("name_en", "")})
    request.bill_id = issued.id
    session.commit()
    return issued


# --- the bill, once paid; the officer's approval ---------------------------------------------


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """The paid request goes to the Passports officers, once; Undeliverable (the bill
    refunded) when it can no longer: withdrawn, or the holder's residency ended."""
    request = requests.by_number(session, paid.details.get("request", ""))
    if request is None or request.service != SERVICE:
        raise bills.Undeliverable("request_gone")
    if holder_refusal(session, request.account, now) is not None:
        raise bills.Undeliverable("residency_ended")
    if request.status is not RequestStatus.SUBMITTED or not requests.move(
            session, request, RequestStatus.UNDER_REVIEW, now, reason=AWAITING_DECISION):
        raise bills.Undeliverable("request_moved")
    requests.leave_to_outbox(session)


def refundable(session: Session, paid: Bill) -> bool:
    """Until an officer approves: a refusal or a withdrawal gives the fee back."""
    request = requests.by_number(session, paid.details.get("request", ""))
    return paid.fulfilled_at is None or (
        request is not None and request.status is not RequestStatus.APPROVED)


def _visa_number() -> str:
    body = requests.new_number()[:VISA_DIGITS]
    return body + luhn_check_digit(body)


def issue_visa(session: Session, request: ServiceRequest, now: datetime) -> None:
    """The approval (in its transaction): the visit visa's number recorded in the request,
    the passport free for a later request, the holder texted once committed."""
    visa = _visa_number()
    request.details = {**request.details, "visa_number": visa,
                       "visa_issued_on": local_today(now).isoformat()}
    document_facts.visit_visa_issued(session, request, visa, local_today(now), now)
    request.request_key = requests.WITHDRAWN_KEY.format(key=request.request_key, id=request.id)
    audit.record(session, ISSUED_AUDIT_KIND, now, request.account_id, None,
                 request=request.number, visa=visa)
    account = request.account
    name = request.details["name_ar"] if account.preferred_language is Language.ARABIC \
        else request.details["name_en"]
    requests.tell_after_commit(session, notices.queue(
        session, notices.PREMIUM_VISA_ISSUED, account, now, name=name, visa=visa,
        number=request.number))


def fee() -> int:
    return current_policies().eservices.premium_visit_visa_fee


# --- the request kind and the bill's service ------------------------------------------------

# TRANSLATORS: The name of the service (تأشيرات حاملي الإقامة المميزة), in the holder's
# requests and the officers' queue.
TITLE = _l("Visas for Premium Residency holders")
requests.register(requests.Kind(
    SERVICE, title=TITLE, role="passports",
    reasons={
        # TRANSLATORS: Why a Premium Residency holder's visit visa request waits for a
        # Passports officer: every such request is decided by one.
        AWAITING_DECISION: _l("A Passports officer checks every visit visa request of a "
                              "Premium Residency holder before the visa is issued."),
        # TRANSLATORS: Why a Passports officer refused a Premium Residency holder's visit
        # visa request; the officer's own words follow.
        NOT_ELIGIBLE: _l("The Passports Directorate could not issue this visit visa. The fee "
                         "is refunded to your bank account. You can ask at a Passports "
                         "office.")},
    endpoint="premium_visas.page", on_approved=issue_visa,
    detail_labels={
        # TRANSLATORS: A label in a Passports officer's queue: how the visitor is related to
        # the Premium Residency holder follows.
        "relation": _l("Relation"),
        # TRANSLATORS: A label: the visitor's full name in Arabic letters follows.
        "name_ar": _l("Name in Arabic"),
        # TRANSLATORS: A label: the visitor's full name in Latin letters follows.
        "name_en": _l("Name in Latin letters"),
        "nationality": _l("Nationality"),
        "passport": _l("Passport number"),
        # TRANSLATORS: A label: the purpose of a visit follows.
        "purpose": _l("Purpose of the visit"),
        # TRANSLATORS: A label: single or multiple entry follows.
        "entry": _l("Entry"),
        # TRANSLATORS: A label: the number of days the visitor means to stay follows.
        "days": _l("Days of stay"),
        # TRANSLATORS: A label: the Premium Residency certificate's number follows.
        "certificate": _l("Premium Residency certificate")},
    detail_values={"relation": RELATION_NAMES, "purpose": PURPOSE_NAMES,
                   "entry": ENTRY_NAMES, "nationality": NATIONALITIES},
    refused_reason=NOT_ELIGIBLE, approval_notice=False))
bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable))
