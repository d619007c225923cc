"""Family records (سجل الأسرة): the husband's after a marriage the civil registry holds, and
a divorced or widowed mother's for the children in her custody. Every condition is checked
here against the registry, each unmet one its own refusal; applying is a request with a
state (services/requests.py) that, approved, creates the record and its members in the
approval's transaction and texts the holder.

Decisions:
- Family records are for citizens; the holder of the husband's record is an adult (18).
- A husband has one family record. It is issued for his first marriage the registry holds
  (the request's key is that marriage); a later marriage is a request of its own (its key
  that marriage) which adds the new wife, and any children not yet listed, to the record he
  has: a marriage never yields a second record.
- The husband's record lists the wives of his marriages that have not ended, and his
  children (ParentLink) who are under 18 or are daughters not married now: sons of 18 or
  over and married daughters have, or join, records of their own. A child in a former
  wife's custody stays on the father's record; the mother's record lists the child too.
- A mother's record: her last marriage (the latest she was the wife in) ended, by divorce
  or by the husband's death, and she is not married now; it lists her children under 18
  whose custody is recorded with her, and her children under 18 whose father was her
  husband and died (a widow has her minor children without a court's deed), unless a
  custody names someone else. A divorced mother whose custody is not recorded, with minor
  children whose custody names no one, goes to a Civil Affairs officer of her city
  (reason ``custody_unrecorded``), who checks the court's deed; approved, the record also
  lists those children.
- Nothing is stored for a refused application: the page lists what to do first. A request
  the officer refused stays refused (its key is taken): the page says to visit an office.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from absher_web.agencies import civil_registry, family
from absher_web.identity import luhn_check_digit
from absher_web.models import (
    Account,
    FamilyRecord,
    FamilyRecordKind,
    FamilyRecordMember,
    FamilyRelation,
    Marriage,
    MarriageEnd,
    ParentRole,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
    Sex,
)
from absher_web.services import document_facts, notices, requests
from absher_web.services.acting_for import ADULT_AGE, age_on
from absher_web.services.eservices import local_today

MARRIAGE_SERVICE = "family_record_marriage"
MOTHER_SERVICE = "family_record_mother"
SERVICES = {FamilyRecordKind.MARRIAGE: MARRIAGE_SERVICE, FamilyRecordKind.MOTHER: MOTHER_SERVICE}
NUMBER_DIGITS = 10  # then a check digit: 11 digits, never mistaken for an ID or a request
CUSTODY_UNRECORDED = "custody_unrecorded"
NOT_ELIGIBLE = "not_eligible"  # an officer's refusal


class Refusal:
    """Why a condition is not met (each worded, with what to do, by the page)."""

    NOT_CITIZEN = "not_citizen"
    MINOR = "minor"
    NO_MARRIAGE = "no_marriage"  # the husband: no marriage of his that has not ended
    ALREADY_ISSUED = "already_issued"
    NEVER_MARRIED = "never_married"  # the mother: no marriage recorded at all
    STILL_MARRIED = "still_married"
    NO_CHILDREN = "no_children"


class Condition:
    """What is checked (each has its line on the page, met or not)."""

    CITIZEN = "citizen"
    ADULT = "adult"
    MARRIED = "married"
    NO_RECORD = "no_record"
    MARRIAGE_ENDED = "marriage_ended"
    CHILDREN = "children"


@dataclass(frozen=True)
class Checked:
    condition: str
    refusal: str | None = None  # None: met

    @property
    def met(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Planned:
    """A person the record lists (or would list)."""

    person: Person
    relation: FamilyRelation


@dataclass
class Check:
    """Where the holder stands in one of the two services."""

    kind: FamilyRecordKind
    holder: Person
    conditions: list[Checked]
    members: list[Planned] = field(default_factory=list)
    marriage: Marriage | None = None  # the husband's: the marriage he would apply for
    officer_reason: str | None = None  # a case an officer decides (the mother's)
    request: ServiceRequest | None = None  # the last request made here
    record: FamilyRecord | None = None  # the holder's record of this kind

    @property
    def met(self) -> bool:
        return all(checked.met for checked in self.conditions)

    @property
    def refusals(self) -> list[str]:
        return [checked.refusal for checked in self.conditions if checked.refusal]

    @property
    def can_apply(self) -> bool:
        """Every condition met and nothing asked yet (a refused request stays refused)."""
        return self.met and self.request is None


@dataclass(frozen=True)
class Applied:
    request: ServiceRequest
    new: bool


@dataclass(frozen=True)
class RecordView:
    """A record as its pages show it: its number, head and members with their names."""

    record: FamilyRecord
    head: Person
    members: list[Planned]

    @property
    def number(self) -> str:
        return self.record.number


def current_members(session: Session, record: FamilyRecord) -> list[FamilyRecordMember]:
    """The members the registry still counts as the head's family: a wife whose marriage
    to the head has ended (divorce, death) is no longer one; children stay."""
    wives = {m.wife_id for m in family.marriages_of(session, record.head_id)
             if m.husband_id == record.head_id and m.ended_on is None}
    return [m for m in record.members
            if m.relation is not FamilyRelation.WIFE or m.person_id in wives]


def describe(session: Session, record: FamilyRecord) -> RecordView:
    members = current_members(session, record)
    ids = [record.head_id, *(m.person_id for m in members)]
    people = civil_registry.stored_people(session, ids)
    return RecordView(record, people[record.head_id],
                      [Planned(people[m.person_id], m.relation) for m in members
                       if m.person_id in people])


# --- the registry, as the conditions read it ------------------------------------------------


def record_of(session: Session, head_id: str, kind: FamilyRecordKind) -> FamilyRecord | None:
    return session.scalars(select(FamilyRecord).where(
        FamilyRecord.head_id == head_id, FamilyRecord.kind == kind)
        .options(selectinload(FamilyRecord.members))).first()


def records_of(session: Session, national_id: str) -> list[FamilyRecord]:
    """The records the person heads or is a current member of, the oldest first."""
    # Two index lookups (as head, as member) in one UNION: an OR of the two would read
    # every record.
    theirs = union(select(FamilyRecord.id).where(FamilyRecord.head_id == national_id),
                   select(FamilyRecordMember.record_id).where(
                       FamilyRecordMember.person_id == national_id))
    found = session.scalars(select(FamilyRecord).where(FamilyRecord.id.in_(theirs))
        .options(selectinload(FamilyRecord.members))
        .order_by(FamilyRecord.issued_at, FamilyRecord.id))
    return [record for record in found if _belongs(session, record, national_id)]


def _belongs(session: Session, record: FamilyRecord, national_id: str) -> bool:
    return record.head_id == national_id or any(
        m.person_id == national_id for m in current_members(session, record))


def record_for(session: Session, number: str, national_id: str) -> FamilyRecord | None:
    """The record of that number if the person heads it or is a current member, else None
    (the same whether it exists or not: nothing is told about other families)."""
    if not number.isdigit() or len(number) != NUMBER_DIGITS + 1:
        return None
    record = session.scalars(select(FamilyRecord).where(FamilyRecord.number == number)
                             .options(selectinload(FamilyRecord.members))).first()
    if record is None:
        return None
    return record if _belongs(session, record, national_id) else None


def _current_marriages_as_husband(session: Session, husband: str) -> list[Marriage]:
    """His marriages that have not ended, the earliest first."""
    return sorted((m for m in family.marriages_of(session, husband)
                   if m.husband_id == husband and m.ended_on is None),
                  key=lambda m: (m.married_on, m.id))


def _is_married_now(session: Session, national_id: str) -> bool:
    return any(m.ended_on is None for m in family.marriages_of(session, national_id))


def husband_members(session: Session, husband: str, today: date) -> list[Planned]:
    """Who his record lists: wives of marriages not ended, children under 18, and
    daughters not married now."""
    wives = [m.wife_id for m in _current_marriages_as_husband(session, husband)]
    children = [link for link in family.children_of(session, husband)
                if link.relation is ParentRole.FATHER]
    people = civil_registry.stored_people(session, [*wives, *(c.child_id for c in children)])
    planned = [Planned(people[wife], FamilyRelation.WIFE) for wife in wives if wife in people]
    for link in children:
        child = people.get(link.child_id)
        if child is None:
            continue
        minor = age_on(child.birth_date, today) < ADULT_AGE
        if link.child_sex is Sex.MALE and minor:
            planned.append(Planned(child, FamilyRelation.SON))
        elif link.child_sex is Sex.FEMALE and (minor or not _is_married_now(session,
                                                                             child.national_id)):
            planned.append(Planned(child, FamilyRelation.DAUGHTER))
    return planned


def mother_children(session: Session, mother: str, today: date
                    ) -> tuple[list[Planned], list[Planned]]:
    """Her children for her record: (those it lists at once: in her recorded custody or
    whose father, her husband, died; those an officer must see her custody of first)."""
    ended_by_death = {m.husband_id for m in family.marriages_of(session, mother)
                      if m.wife_id == mother and m.ended_by is MarriageEnd.DEATH}
    in_custody = {c.child_id for c in family.custodies_held_by(session, mother)}
    own = {link.child_id: link for link in family.children_of(session, mother)
           if link.relation is ParentRole.MOTHER}
    people = civil_registry.stored_people(session, in_custody | set(own))
    at_once: list[Planned] = []
    to_check: list[Planned] = []
    for child_id in sorted(in_custody | set(own)):
        child = people.get(child_id)
        if child is None or age_on(child.birth_date, today) >= ADULT_AGE:
            continue
        link = own.get(child_id)
        sex = link.child_sex if link else _sex_of(session, child_id)
        planned = Planned(child, FamilyRelation.SON if sex is Sex.MALE
                          else FamilyRelation.DAUGHTER)
        if child_id in in_custody:
            at_once.append(planned)
            continue
        if family.custody_of(session, child_id) is not None:
            continue  # custody recorded with someone else (the father, say)
        father = next((p.parent_id for p in family.parents_of(session, child_id)
                       if p.relation is ParentRole.FATHER), None)
        (at_once if father in ended_by_death else to_check).append(planned)
    def eldest_first(planned: Planned) -> tuple:
        return planned.person.birth_date, planned.person.national_id

    return sorted(at_once, key=eldest_first), sorted(to_check, key=eldest_first)


def _sex_of(session: Session, child_id: str) -> Sex:
    """A child in custody who is not the custodian's own: the sex the registry's parent
    links give (the registry's people carry none)."""
    return next((p.child_sex for p in family.parents_of(session, child_id)), Sex.MALE)


# --- the conditions -----------------------------------------------------------------------


def check(session: Session, account: Account, kind: FamilyRecordKind, now: datetime) -> Check:
    if kind is FamilyRecordKind.MARRIAGE:
        return check_husband(session, account, now)
    return check_mother(session, account, now)


def check_husband(session: Session, account: Account, now: datetime) -> Check:
    today = local_today(now)
    holder = account.person
    record = record_of(session, holder.national_id, FamilyRecordKind.MARRIAGE)
    listed = {m.person_id for m in record.members} if record else set()
    marriages = _current_marriages_as_husband(session, holder.national_id)
    waiting = [m for m in marriages if m.wife_id not in listed]
    marriage = waiting[0] if waiting else None
    conditions = [
        Checked(Condition.CITIZEN,
                None if holder.kind is PersonKind.CITIZEN else Refusal.NOT_CITIZEN),
        Checked(Condition.ADULT,
                None if age_on(holder.birth_date, today) >= ADULT_AGE else Refusal.MINOR),
        Checked(Condition.MARRIED, None if marriages else Refusal.NO_MARRIAGE),
    ]
    if marriages:
        conditions.append(Checked(Condition.NO_RECORD,
                                  None if marriage else Refusal.ALREADY_ISSUED))
    found = requests.find(session, MARRIAGE_SERVICE, str(marriage.id)) if marriage else None
    if found is None and marriage is None and marriages:
        found = requests.find(session, MARRIAGE_SERVICE, str(marriages[-1].id))
    return Check(FamilyRecordKind.MARRIAGE, holder, conditions,
                 husband_members(session, holder.national_id, today), marriage,
                 request=found, record=record)


def check_mother(session: Session, account: Account, now: datetime) -> Check:
    today = local_today(now)
    holder = account.person
    record = record_of(session, holder.national_id, FamilyRecordKind.MOTHER)
    as_wife = [m for m in family.marriages_of(session, holder.national_id)
               if m.wife_id == holder.national_id]
    if not as_wife:
        ended = Refusal.NEVER_MARRIED
    elif any(m.ended_on is None for m in as_wife):
        ended = Refusal.STILL_MARRIED
    else:
        ended = None
    at_once, to_check = mother_children(session, holder.national_id, today)
    conditions = [
        Checked(Condition.CITIZEN,
                None if holder.kind is PersonKind.CITIZEN else Refusal.NOT_CITIZEN),
        Checked(Condition.MARRIAGE_ENDED, ended),
        Checked(Condition.CHILDREN, None if at_once or to_check else Refusal.NO_CHILDREN),
        Checked(Condition.NO_RECORD, None if record is None else Refusal.ALREADY_ISSUED),
    ]
    officer_reason = CUSTODY_UNRECORDED if to_check and not at_once else None
    return Check(FamilyRecordKind.MOTHER, holder, conditions,
                 at_once if at_once else to_check, officer_reason=officer_reason,
                 request=requests.find(session, MOTHER_SERVICE, holder.national_id),
                 record=record)


# --- applying -----------------------------------------------------------------------------


def apply(session: Session, account: Account, kind: FamilyRecordKind, now: datetime,
          client_address: str | None = None) -> Check | Applied:
    """Apply for the holder's record: the Check (nothing stored) when a condition is not
    met, else the request (approved at once, with its record, or with an officer). Commits,
    then texts the holder when the record was issued."""
    checked = check(session, account, kind, now)
    if not checked.met:
        return checked
    service = SERVICES[kind]
    key = str(checked.marriage.id) if checked.marriage else account.national_id
    details = {"children": [planned.person.national_id for planned in checked.members]} \
        if checked.officer_reason else {}
    made, new = requests.submit(session, service=service, request_key=key, account=account,
                                beneficiary_id=account.national_id, now=now,
                                office_city=checked.holder.city, details=details,
                                client_address=client_address)
    if new:
        if checked.officer_reason:
            requests.move(session, made, RequestStatus.UNDER_REVIEW, now,
                          client_address=client_address, reason=checked.officer_reason)
        else:
            requests.move(session, made, RequestStatus.APPROVED, now,
                          client_address=client_address)
    requests.commit_and_tell(session, now)
    return Applied(made, new)


def _new_number(session: Session) -> str:
    while True:
        body = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))
        number = body + luhn_check_digit(body)
        taken = session.scalar(select(FamilyRecord.id).where(FamilyRecord.number == number))
        if taken is None:
            return number


def _issue(session: Session, request: ServiceRequest, kind: FamilyRecordKind,
           members: list[Planned], now: datetime, marriage_id: int | None = None) -> None:
    head = request.beneficiary_id
    record = record_of(session, head, kind)
    issued = record is None
    if record is None:
        record = FamilyRecord(number=_new_number(session), head_id=head, kind=kind,
                              marriage_id=marriage_id, issued_at=now)
        try:
            with session.begin_nested():  # the savepoint holds the INSERT, so a clash undoes
                session.add(record)       # only it
                session.flush()
        except IntegrityError:  # issued meanwhile for another request of the same head
            record = record_of(session, head, kind)
            issued = False
    listed = {m.person_id for m in record.members}
    for planned in members:
        if planned.person.national_id not in listed and planned.person.national_id != head:
            session.add(FamilyRecordMember(record=record, person_id=planned.person.national_id,
                                           relation=planned.relation))
            listed.add(planned.person.national_id)
    session.flush()
    document_facts.family_record_issued(session, record, current_members(session, record),
                                          request.account_id, now, local_today(now))
    notice = notices.FAMILY_RECORD_ISSUED if issued else notices.FAMILY_RECORD_UPDATED
    requests.tell_after_commit(
        session, notices.queue(session, notice, request.account, now, number=record.number))


def _approve_marriage(session: Session, request: ServiceRequest, now: datetime) -> None:
    marriage = session.get(Marriage, int(request.request_key))
    _issue(session, request, FamilyRecordKind.MARRIAGE,
           husband_members(session, request.beneficiary_id, local_today(now)), now,
           marriage_id=marriage.id if marriage else None)


def _approve_mother(session: Session, request: ServiceRequest, now: datetime) -> None:
    at_once, to_check = mother_children(session, request.beneficiary_id, local_today(now))
    # An officer who approves has seen the custody deed: the children it covers join.
    members = at_once + (to_check if request.reason == CUSTODY_UNRECORDED else [])
    _issue(session, request, FamilyRecordKind.MOTHER, members, now)


# TRANSLATORS: The name of the service (سجل الأسرة عند الزواج), in the holder's requests
# and the officers' queue.
MARRIAGE_TITLE = _l("Family record on marriage")
# TRANSLATORS: The name of the service (سجل أسرة جديد للأمهات), in the holder's requests
# and the officers' queue.
MOTHER_TITLE = _l("New family record for mothers")

# TRANSLATORS: Why a Civil Affairs officer refused a request for a family record.
_NOT_ELIGIBLE = _l("The civil registry's records do not allow this family record. Visit a "
                   "Civil Affairs office with your documents.")
requests.register(requests.Kind(
    MARRIAGE_SERVICE, title=MARRIAGE_TITLE, role="civil_affairs",
    reasons={NOT_ELIGIBLE: _NOT_ELIGIBLE}, refused_reason=NOT_ELIGIBLE, approval_notice=False,
    endpoint="family_records.marriage", on_approved=_approve_marriage))
requests.register(requests.Kind(
    MOTHER_SERVICE, title=MOTHER_TITLE, role="civil_affairs",
    # TRANSLATORS: Why a mother's request for a family record waits for a Civil Affairs
    # officer: the registry holds no custody for her children, so the officer checks the
    # court's custody deed.
    reasons={CUSTODY_UNRECORDED: _l("Your children's custody is not recorded in the civil "
                                    "registry: a Civil Affairs officer checks the court's "
                                    "custody deed."),
             NOT_ELIGIBLE: _NOT_ELIGIBLE},
    # TRANSLATORS: In a Civil Affairs officer's queue, a mother's request for a family
    # record: the label before the ID numbers of the children whose custody they check.
    detail_labels={"children": _l("Children whose custody is checked")},
    refused_reason=NOT_ELIGIBLE, approval_notice=False,
    endpoint="family_records.mother", on_approved=_approve_mother))
