"""Absher Passports (أبشر جوازات): a citizen issues a first passport or renews one, for
themself or for a minor child whose guardian they are (services/acting_for.py, "passport":
a minor's passport is requested by the guardian, PARENT or CUSTODIAN).

The path: the holder's page lists them and their minors, each with their passport (the
Passports registry, agencies/passports.py) and what they may do; the holder chooses the
validity (5 or 10 years; 10 only from EServicePolicy.passport_ten_years_min_age, the
Directorate's rule that younger people get 5-year passports) and the delivery (by post to
the national address, or collected at a Passports office of a city on the registry's list),
sees the fee, confirms: one request (services/requests.py, key: the person's ID, so one open
passport request a person however many guardians ask at once) and its bill.

- Paid (``carry_on``, in the bill's transaction): the request is APPROVED, which for a
  passport means printing. The officers of the Passports office of the request's
  ``office_city`` (the office chosen for collection; for delivery by post the office of
  the national address's city, which hands it to Saudi Post) see it in their queue.
- Printed (``mark_printed``, APPROVED → PRINTED): waiting at the office or posted; the
  holder is texted.
- Delivered (``mark_delivered``, PRINTED → DELIVERED): handed over or received; the new
  passport (a fresh Saudi number, issued that day, valid the chosen years) replaces the
  person's record in the registry, and the request's key is freed for the next renewal.
- Cancelled by the holder: while unpaid (the bill cancelled) and while printing (the fee
  refunded: ``refundable``); once printed, no longer.

Refusals (``Refusal``): not a Saudi citizen, a request already open, a passport still valid
beyond the renewal window, an open travel ban, unpaid traffic violations on the person's
vehicles. Acting for someone the rule does not allow is ActingRefused (403).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select, union_all
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, family, passports, traffic
from absher_web.agencies.storing import in_chunks
from absher_web.models import (
    Account,
    Bill,
    Passport,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
    StaffUser,
    TravelBan,
)
from absher_web.money import riyals
from absher_web.nationalities import SAUDI_ARABIA
from absher_web.services import acting_for, bills, document_facts, notices, requests, staff
from absher_web.services.eservices import fees, local_today
from absher_web.services.policies import EServicePolicy

SERVICE = "passport"  # its requests, its bills and its acting_for key
AUDIT_KIND = "passport_requested"
YEARS = (5, 10)
# While a request is one of these, the person has an open passport request.
OPEN_STATES = (RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW, RequestStatus.APPROVED,
               RequestStatus.PRINTED)
S = RequestStatus


class Delivery(enum.StrEnum):
    POST = "post"  # to the national address, by Saudi Post
    OFFICE = "office"  # collected at a Passports office


class Refusal(enum.StrEnum):
    """Why a passport cannot be requested now; each is worded on the page with its values."""

    NOT_SAUDI = "not_saudi"
    OPEN_REQUEST = "open_request"
    STILL_VALID = "still_valid"
    TRAVEL_BAN = "travel_ban"
    UNPAID_FINES = "unpaid_fines"


@dataclass(frozen=True)
class Standing:
    """One person as the holder's page shows them: their passport, where their request
    stands, and whether (and how) a passport may be requested now."""

    person: Person
    relation: acting_for.Relation
    passport: Passport | None
    usable: bool  # the passport can be travelled with today
    request: ServiceRequest | None  # the open one, or the latest of this holder
    bill: Bill | None
    refusal: Refusal | None
    ban: TravelBan | None = None
    fines: int = 0  # halalas unpaid on the person's vehicles
    renew_from: date | None = None  # the first day a still-valid passport may be renewed
    ten_years: bool = True  # may choose 10 years
    mine: bool = True  # the request shown is this holder's (not another guardian's)

    @property
    def renewal(self) -> bool:
        """A renewal (a passport is on record), else a first passport."""
        return self.passport is not None

    @property
    def years(self) -> tuple[int, ...]:
        return YEARS if self.ten_years else YEARS[:1]


@dataclass(frozen=True)
class Quote:
    """What confirming would ask for: nothing is saved."""

    person: Person
    years: int
    delivery: Delivery
    office_city: str  # where it is collected, or the office that posts it
    fee: int  # halalas
    renewal: bool


@dataclass(frozen=True)
class Submitted:
    request: ServiceRequest
    new: bool


@dataclass(frozen=True)
class Changed:
    """The fee changed between the review and the confirmation: shown again."""

    quote: Quote


class Refused(Exception):
    """A rule refuses the request now (the page shows the Standing's sentence)."""

    def __init__(self, standing: Standing) -> None:
        super().__init__(standing.refusal)
        self.standing = standing


class TooYoung(ValueError):
    """10 years chosen for someone younger than the setting allows (the form says so)."""


# --- who, and where they stand -----------------------------------------------------------------


def is_citizen(person: Person) -> bool:
    return person.kind is PersonKind.CITIZEN and person.nationality == SAUDI_ARABIA


def people_of(session: Session, policy: EServicePolicy, account: Account,
              now: datetime) -> list[Standing]:
    """The holder (when an adult) and the minors they are guardian of, each with where they
    stand."""
    today = local_today(now)
    relatives = family.relatives_of(session, account.national_id)
    ids = [account.national_id, *(child_id for child_id, _sex in relatives.children),
           *relatives.in_custody]
    people = civil_registry.stored_people(session, ids)
    allowed = []
    for national_id, (relations, refusal) in acting_for.links_to(session, account, ids,
                                                                 today, people).items():
        decision = acting_for.decide(relations, refusal, SERVICE)
        if decision and national_id in people:
            allowed.append((people[national_id], decision.relation))
    return standings(session, policy, account, allowed, today)


def _requests_of(session: Session, account: Account,
                 person_ids: list[str]) -> dict[str, tuple[ServiceRequest, Bill | None]]:
    """For each person, the open request (whoever made it), else the holder's latest for
    them, with its bill: one query for a family."""
    found: dict[str, tuple[ServiceRequest, Bill | None]] = {}
    for chunk in in_chunks(person_ids):
        rows = session.execute(
            select(ServiceRequest, Bill).outerjoin(Bill, Bill.id == ServiceRequest.bill_id)
            .where(ServiceRequest.service == SERVICE,
                   or_(ServiceRequest.request_key.in_(chunk),
                       and_(ServiceRequest.account_id == account.id,
                            ServiceRequest.beneficiary_id.in_(chunk))))
            .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())).all()
        for person_id in chunk:
            # A passport request's key is the person's ID while it is theirs to hold.
            open_one = next((row for row in rows if row[0].request_key == person_id
                             and row[0].status in OPEN_STATES), None)
            latest = next((row for row in rows if row[0].account_id == account.id
                           and row[0].beneficiary_id == person_id), None)
            if open_one or latest:
                found[person_id] = tuple(open_one or latest)
    return found


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def standings(session: Session, policy: EServicePolicy, account: Account,
              people: list[tuple[Person, acting_for.Relation]], today: date) -> list[Standing]:
    """Each person's standing, in the order given: the same few queries for a family as
    for one person (passports, requests with their bills, travel bans, fines)."""
    ids = [person.national_id for person, _relation in people]
    held = passports.passports_of(session, ids)
    asked = _requests_of(session, account, ids)
    bans = passports.open_travel_bans(session, ids, today)
    fines = traffic.unpaid_fines_by_owner(session, ids)
    return [_standing(policy, account, person, relation, today, held.get(person.national_id),
                      *asked.get(person.national_id, (None, None)),
                      bans.get(person.national_id), riyals(fines.get(person.national_id, 0)))
            for person, relation in people]


def _standing(policy: EServicePolicy, account: Account, person: Person,
              relation: acting_for.Relation, today: date, passport: Passport | None,
              request: ServiceRequest | None, bill: Bill | None, ban: TravelBan | None,
              fines: int) -> Standing:
    usable = passports.is_usable(passport, today)
    renew_from = months_before(passport.expires_on, policy.passport_renewal_months) \
        if usable else None
    refusal = None
    if not is_citizen(person):
        refusal = Refusal.NOT_SAUDI
    elif request is not None and request.status in OPEN_STATES:
        refusal = Refusal.OPEN_REQUEST
    elif ban is not None:  # what bars any passport first, then when renewal opens
        refusal = Refusal.TRAVEL_BAN
    elif fines:
        refusal = Refusal.UNPAID_FINES
    elif renew_from is not None and renew_from > today:
        refusal = Refusal.STILL_VALID
    ten = acting_for.age_on(person.birth_date, today) >= policy.passport_ten_years_min_age
    return Standing(person, relation, passport, usable, request, bill, refusal, ban, fines,
                    renew_from, ten, request is None or request.account_id == account.id)


def standing_of(session: Session, policy: EServicePolicy, account: Account, person_id: str,
                now: datetime) -> Standing:
    """The person's standing, if the holder may request their passport: ActingRefused (403)
    for anyone else, the same whether they exist or not."""
    relation = acting_for.check_acting_for(session, account, person_id, SERVICE, now)
    person = session.get(Person, person_id)
    return standings(session, policy, account, [(person, relation)], local_today(now))[0]


# --- the fee, the request, the bill -------------------------------------------------------------


def office_for(person: Person, delivery: Delivery, chosen_city: str | None) -> str:
    """The office that prints and hands over the passport: the one chosen for collection,
    or, by post, the office of the city of the person's national address."""
    if delivery is Delivery.OFFICE and chosen_city:
        return civil_registry.office_city(chosen_city)
    return civil_registry.office_city(person.city)


def quote(policy: EServicePolicy, found: Standing, years: int, delivery: Delivery,
          city: str | None) -> Quote:
    """The fee for the choices; TooYoung when 10 years is not the person's to choose."""
    if years not in YEARS:
        raise ValueError(years)
    if years not in found.years:
        raise TooYoung(years)
    return Quote(found.person, years, delivery, office_for(found.person, delivery, city),
                 policy.passport_fee(years), found.renewal)


def request_passport(session: Session, policy: EServicePolicy, account: Account,
                     person_id: str, years: int, delivery: Delivery, city: str | None,
                     seen_fee: int, now: datetime,
                     client_address: str | None = None) -> Submitted | Changed:
    """Submit the request as reviewed, with its bill. The holder's own repeat gets the
    request made first; a rule that fails (another guardian's request made first
    included) is Refused. Commits."""
    found = standing_of(session, policy, account, person_id, now)
    if found.refusal is Refusal.OPEN_REQUEST and found.request.account_id == account.id:
        return Submitted(found.request, False)
    if found.refusal is not None:
        raise Refused(found)
    seen = quote(policy, found, years, delivery, city)
    if seen.fee != seen_fee:
        return Changed(seen)
    details = {"years": years, "delivery": delivery.value, "fee": seen.fee,
               "renewal": seen.renewal, "name_ar": found.person.name_ar,
               "name_en": found.person.name_en,
               "old_passport": found.passport.number if found.passport else None}
    if delivery is Delivery.POST:
        details["address"] = f"{found.person.district}، {found.person.city}"
    made, new = requests.submit(session, service=SERVICE, request_key=person_id,
                                account=account, beneficiary_id=person_id, now=now,
                                office_city=seen.office_city, details=details,
                                client_address=client_address)
    if not new:
        session.rollback()
        if made.account_id == account.id:
            return Submitted(made, False)
        raise Refused(standing_of(session, policy, account, person_id, now))
    issued = fees.bill_for(session, service=SERVICE, request_key=made.number, account=account,
                           beneficiary_id=person_id, amount=seen.fee, now=now,
                           lifetime=policy.bill_lifetime,
                           details={"request": made.number, "years": years})
    made.bill_id = issued.id
    document_facts.passport_request_received(session, made, seen.fee, now, local_today(now))
    acting_for.record_acting(session, AUDIT_KIND, account, person_id, now, client_address,
                             request=made.number, years=years)
    session.commit()
    return Submitted(made, True)


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """The paid request goes to printing, once; Undeliverable (the bill refunded) when it
    was withdrawn meanwhile."""
    request = requests.by_number(session, paid.details.get("request", ""))
    if request is None or request.service != SERVICE:
        raise bills.Undeliverable("request_gone")
    if request.status is not S.SUBMITTED or not requests.move(session, request, S.APPROVED,
                                                              now):
        raise bills.Undeliverable("request_moved")
    requests.leave_to_outbox(session)


def refundable(session: Session, paid: Bill) -> bool:
    """Until the passport is printed."""
    request = requests.by_number(session, paid.details.get("request", ""))
    return paid.fulfilled_at is None or request is None or request.status not in (
        S.PRINTED, S.DELIVERED)


# --- the Passports office -----------------------------------------------------------------------


def queue_of(session: Session, officer: StaffUser) -> tuple[list[ServiceRequest],
                                                           list[ServiceRequest]]:
    """The officer's office: paid requests to print, printed ones to hand over (oldest
    first, QUEUE_SHOWN of each)."""
    if not officer.city or not staff.has_role(officer, staff.PASSPORTS):
        return [], []

    def first_of(status: RequestStatus) -> Select:
        # A walk of the queue index, QUEUE_SHOWN entries at most, however many wait.
        return select(select(ServiceRequest.id).where(
            ServiceRequest.service == SERVICE, ServiceRequest.status == status,
            ServiceRequest.office_city == officer.city)
            .order_by(ServiceRequest.changed_at, ServiceRequest.id)
            .limit(requests.QUEUE_SHOWN).subquery())

    # Both lists in one query.
    found = session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(
        union_all(first_of(S.APPROVED), first_of(S.PRINTED))))
        .order_by(ServiceRequest.changed_at, ServiceRequest.id)).all()
    return ([r for r in found if r.status is S.APPROVED],
            [r for r in found if r.status is S.PRINTED])


def _check_officer(officer: StaffUser, request: ServiceRequest) -> None:
    if request.service != SERVICE or not requests.may_decide(officer, request):
        raise requests.NotAllowed(request.number)


def mark_printed(session: Session, request: ServiceRequest, officer: StaffUser,
                 now: datetime, client_address: str | None = None) -> bool:
    """The passport is printed: it waits at the office, or goes to Saudi Post. True if this
    call made the move (once, however many press at once). The holder's text is queued;
    the caller sends it with requests.commit_and_tell."""
    _check_officer(officer, request)
    if not requests.move(session, request, S.PRINTED, now, staff_user_id=officer.id,
                         client_address=client_address, decided_by=officer.id):
        return False
    by_post = request.details.get("delivery") == Delivery.POST.value
    requests.tell_after_commit(session, notices.queue(
        session, notices.PASSPORT_POSTED if by_post else notices.PASSPORT_READY,
        request.account, now, request=request.number,
        city=civil_registry.city_name(request.office_city or "")))
    return True


def mark_delivered(session: Session, request: ServiceRequest, officer: StaffUser,
                   now: datetime, client_address: str | None = None) -> bool:
    """The passport is handed over (or Saudi Post delivered it): the new passport replaces
    the person's record, the request's key is freed, the holder texted. Once."""
    _check_officer(officer, request)
    if not requests.move(session, request, S.DELIVERED, now, staff_user_id=officer.id,
                         client_address=client_address,
                         request_key=requests.WITHDRAWN_KEY.format(key=request.request_key,
                                                                   id=request.id)):
        return False
    issued = passports.issue_new(session, request.beneficiary_id, local_today(now),
                                 int(request.details.get("years", 5)))
    request.details = {**request.details, "passport_number": issued.number,
                       "expires_on": issued.expires_on.isoformat()}
    session.flush()
    requests.tell_after_commit(session, notices.queue(
        session, notices.PASSPORT_DELIVERED, request.account, now, request=request.number,
        passport=issued.number, until=issued.expires_on.isoformat()))
    return True


# --- the request kind and the bill's service ----------------------------------------------------

# TRANSLATORS: The name of the service (أبشر جوازات: issuing and renewing Saudi passports), in
# the holder's requests and the officers' queue.
TITLE = _l("Absher Passports")
requests.register(requests.Kind(
    SERVICE, title=TITLE, role=staff.PASSPORTS, endpoint="passports.page",
    cancellable=(S.SUBMITTED, S.APPROVED),
    detail_labels={
        # TRANSLATORS: A label in a Passports officer's queue: the holder's name in Arabic.
        "name_ar": _l("Name in Arabic"),
        # TRANSLATORS: A label in a Passports officer's queue: the holder's name in English.
        "name_en": _l("Name in English"),
        # TRANSLATORS: A label in a Passports officer's queue: a number of years follows.
        "years": _l("Validity in years"),
        # TRANSLATORS: A label in a Passports officer's queue: the national address (district
        # and city) the passport is posted to follows.
        "address": _l("Post to"),
        # TRANSLATORS: A label in a Passports officer's queue: the number of the passport
        # being replaced follows.
        "old_passport": _l("Passport replaced")}))
bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable))
