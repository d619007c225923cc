"""Acting for someone: the one rule that says whether a holder may use a service for
another person, and the audit every such act leaves for both.

Who may act for whom comes from the registry's links (agencies/family.py,
agencies/sponsorship.py):

    SELF        an adult, for themselves
    PARENT      a father or mother, for their child under 18 (on today's Riyadh date) —
                unless custody of the child is recorded with someone else
    CUSTODIAN   the person a recorded custody names, for that child while under 18
    HEAD        a head of household, for the dependents on their family record: his wife
                while the marriage lasts, and the sons and daughters the record lists
                (his minor children are also his as their PARENT)
    SPONSOR     a sponsor, for the workers, domestic workers and visitors they sponsor
    NOTIFIED_FATHER  the father a hospital's birth notification names, for that newborn,
                who has no record of their own yet (``for_newborn``)

Each service, by its key, allows some of these (SERVICES). Every service that acts for
someone calls ``may_act_for`` (or ``check_acting_for``, which raises ActingRefused: 403
in the views) and then ``record_acting``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, sponsorship
from absher_web.agencies.storing import in_chunks
from absher_web.models import (
    Account,
    BirthNotification,
    Custody,
    FamilyRecord,
    FamilyRecordMember,
    FamilyRelation,
    Marriage,
    ParentLink,
    Person,
    utcnow,
)
from absher_web.services import audit
from absher_web.services.eservices import NotYours, local_today

ADULT_AGE = 18


class Relation(enum.StrEnum):
    SELF = "self"
    PARENT = "parent"
    CUSTODIAN = "custodian"
    HEAD = "head_of_household"
    SPONSOR = "sponsor"
    NOTIFIED_FATHER = "notified_father"


class Refusal(enum.StrEnum):
    """Why not: for tests and operators; the holder is told only "not yours" (403), the
    same whether the person exists or not."""

    NO_LINK = "no_link"  # nothing in the registry ties them
    ADULT = "adult"  # a child who is 18 or over acts for themselves
    CUSTODY_ELSEWHERE = "custody_elsewhere"  # custody is recorded with someone else
    MINOR = "minor"  # a minor does not act, even for themselves
    NOT_FOR_SERVICE = "not_for_service"  # the link exists, the service does not allow it
    UNKNOWN_SERVICE = "unknown_service"


# The services that act for someone, by key, and which relations each allows.
SERVICES: dict[str, frozenset[Relation]] = {
    # Renewing a national ID or an iqama.
    "id_renewal": frozenset({Relation.SELF, Relation.PARENT, Relation.CUSTODIAN,
                             Relation.HEAD, Relation.SPONSOR}),
    # Issuing or renewing a passport (citizens, services/passports.py): an adult's own, a
    # minor's by the parent or custodian (the Passports Directorate: a minor's passport is
    # requested by the guardian; a wife or an adult child asks for their own).
    "passport": frozenset({Relation.SELF, Relation.PARENT, Relation.CUSTODIAN}),
    # An exit and re-entry visa (residents): the sponsor or the head of the family.
    "exit_reentry_visa": frozenset({Relation.SELF, Relation.PARENT, Relation.CUSTODIAN,
                                    Relation.HEAD, Relation.SPONSOR}),
    # A final exit visa closes a sponsored person's residency: only their sponsor.
    "final_exit_visa": frozenset({Relation.SPONSOR}),
    # Registering a newborn: the father the hospital's notification names (Civil Affairs:
    # the father names the child; the mother is refused, anyone else not told it exists).
    "birth_registration": frozenset({Relation.NOTIFIED_FATHER}),
    # The person's own family record: only themselves.
    "family_record": frozenset({Relation.SELF}),
    # A vehicle is sold and bought by its holder only, never on someone's behalf.
    "vehicle_sale": frozenset({Relation.SELF}),
}


class ActingRefused(NotYours):
    """The holder may not act for that person in that service (the view answers 403)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Decision:
    """The answer: the relation that allows it, or why not. True when allowed."""

    relation: Relation | None
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.relation is not None


def age_on(birth_date: date, today: date) -> int:
    """Whole years lived on ``today`` (someone born on 29 February turns a year older on
    1 March in common years)."""
    return today.year - birth_date.year - ((today.month, today.day)
                                           < (birth_date.month, birth_date.day))


def is_minor(person: Person, today: date) -> bool:
    return age_on(person.birth_date, today) < ADULT_AGE


def _holder_id(holder: Account | str) -> str:
    return holder.national_id if isinstance(holder, Account) else holder


def links(session: Session, holder: Account | str, person_id: str,
          today: date) -> tuple[list[Relation], Refusal]:
    """Every relation the holder has to the person on ``today``, and, when there is none,
    why not."""
    return links_to(session, holder, [person_id], today).get(person_id, ([], Refusal.NO_LINK))


def links_to(session: Session, holder: Account | str, person_ids: list[str],
             today: date, people: dict[str, Person] | None = None,
             sponsored: set[str] | None = None) -> dict[str, tuple[list[Relation], Refusal]]:
    """``links`` for each of these people, in a few queries however many they are (a page
    that lists a family asks for everyone at once). A page that has read them already
    passes their registry records (``people``, every stored one of ``person_ids``) and the
    ID numbers the holder sponsors, which are then not read again."""
    holder_id = _holder_id(holder)
    wanted = list(dict.fromkeys(p for p in person_ids if isinstance(p, str)))
    if people is None:
        people = civil_registry.stored_people(session, wanted)
    others = [p for p in wanted if p != holder_id]
    known = Known.of(session, holder_id, others, sponsored) if others \
        else Known({}, {}, set(), set(), set())
    found: dict[str, tuple[list[Relation], Refusal]] = {}
    for person_id in wanted:
        person = people.get(person_id)
        relations: list[Relation] = []
        refusal = Refusal.NO_LINK
        if person is not None:
            if person_id == holder_id:
                found[person_id] = (([], Refusal.MINOR) if is_minor(person, today)
                                    else ([Relation.SELF], refusal))
                continue
            relations, refusal = _as_parent(known, holder_id, person, today)
            if person_id in known.wives or person_id in known.on_record:
                relations.append(Relation.HEAD)
        if person_id in known.sponsored:
            relations.append(Relation.SPONSOR)
        found[person_id] = (relations, refusal)
    return found


# What each row of Known.of's one statement says.
_PARENT, _CUSTODY, _WIFE, _ON_RECORD = "parent", "custody", "wife", "on_record"
_NO_ONE = type_coerce(null(), String)


@dataclass(frozen=True)
class Known:
    """What the registry says of a holder and some people, read together: each person's
    parents and custody, the holder's current wives and record children among them, and
    everyone the holder sponsors."""

    parents: dict[str, list[str]]
    custodians: dict[str, str]
    wives: set[str]
    on_record: set[str]
    sponsored: set[str]

    @classmethod
    def of(cls, session: Session, holder_id: str, person_ids: list[str],
           sponsored: set[str] | None = None) -> Known:
        parents: dict[str, list[str]] = {}
        custodies: list[tuple[int, str, str]] = []
        wives: set[str] = set()
        on_record: set[str] = set()
        for chunk in in_chunks(person_ids):
            # One statement, four index lookups: (what, the person, the other, order).
            for what, person_id, other_id, order in session.execute(union_all(
                    select(literal(_PARENT), ParentLink.child_id, ParentLink.parent_id,
                           literal(0)).where(ParentLink.child_id.in_(chunk)),
                    select(literal(_CUSTODY), Custody.child_id, Custody.custodian_id,
                           Custody.id).where(Custody.child_id.in_(chunk)),
                    select(literal(_WIFE), Marriage.wife_id, _NO_ONE, literal(0)).where(
                        Marriage.husband_id == holder_id, Marriage.wife_id.in_(chunk),
                        Marriage.ended_on.is_(None)),
                    # A son or daughter listed on the family record the holder heads (a
                    # wife is HEAD's only while the marriage lasts: wives).
                    select(literal(_ON_RECORD), FamilyRecordMember.person_id, _NO_ONE,
                           literal(0))
                    .join(FamilyRecord, FamilyRecord.id == FamilyRecordMember.record_id)
                    .where(FamilyRecord.head_id == holder_id,
                           FamilyRecordMember.person_id.in_(chunk),
                           FamilyRecordMember.relation != FamilyRelation.WIFE))):
                if what == _PARENT:
                    parents.setdefault(person_id, []).append(other_id)
                elif what == _CUSTODY:
                    custodies.append((order, person_id, other_id))
                elif what == _WIFE:
                    wives.add(person_id)
                else:
                    on_record.add(person_id)
        # A child's custodian is the first custody recorded for them.
        custodians: dict[str, str] = {}
        for _order, child_id, custodian_id in sorted(custodies):
            custodians.setdefault(child_id, custodian_id)
        if sponsored is None:
            sponsored = {s.person_id for s in sponsorship.sponsored_by(session, holder_id)}
        return cls(parents, custodians, wives, on_record, sponsored)


def _as_parent(known: Known, holder_id: str, child: Person,
               today: date) -> tuple[list[Relation], Refusal]:
    is_parent = holder_id in known.parents.get(child.national_id, [])
    custodian = known.custodians.get(child.national_id)
    if not is_parent and custodian != holder_id:
        return [], Refusal.NO_LINK
    if not is_minor(child, today):
        return [], Refusal.ADULT
    if custodian is not None and custodian != holder_id:
        return [], Refusal.CUSTODY_ELSEWHERE
    return [Relation.PARENT if is_parent else Relation.CUSTODIAN], Refusal.NO_LINK


def for_newborn(notification: BirthNotification, holder: Account | str) -> Decision:
    """Whether the holder may register the birth a hospital notified: its father may; the
    mother is refused (NOT_FOR_SERVICE: 403); anyone else has no link (NO_LINK: the
    notification is not shown to exist)."""
    holder_id = _holder_id(holder)
    if notification.father_id == holder_id:
        return decide([Relation.NOTIFIED_FATHER], Refusal.NO_LINK, "birth_registration")
    if notification.mother_id == holder_id:
        return Decision(None, Refusal.NOT_FOR_SERVICE)
    return Decision(None, Refusal.NO_LINK)


def decide(relations: list[Relation], refusal: Refusal, service: str) -> Decision:
    """The decision for one service from the holder's relations to the person."""
    allowed = SERVICES.get(service)
    if allowed is None:
        return Decision(None, Refusal.UNKNOWN_SERVICE)
    if not relations:
        return Decision(None, refusal)
    usable = [relation for relation in relations if relation in allowed]
    return Decision(usable[0]) if usable else Decision(None, Refusal.NOT_FOR_SERVICE)


def may_act_for(session: Session, holder: Account | str, person_id: str, service: str,
                now: datetime | None = None) -> Decision:
    """Whether ``holder`` (an account or an ID number) may use ``service`` for the person
    of ``person_id`` now: the Decision names the relation that allows it, or why not."""
    relations, refusal = links(session, holder, person_id, local_today(now or utcnow()))
    return decide(relations, refusal, service)


def services_for(session: Session, holder: Account | str, person_ids: list[str],
                 today: date, **already_read: object) -> dict[str, list[str]]:
    """The services (keys, in SERVICES' order) the holder may use for each person
    (``already_read``: as ``links_to`` takes them)."""
    return {person_id: [service for service in SERVICES if decide(relations, refusal, service)]
            for person_id, (relations, refusal) in links_to(session, holder, person_ids,
                                                            today, **already_read).items()}


def check_acting_for(session: Session, holder: Account | str, person_id: str, service: str,
                     now: datetime | None = None) -> Relation:
    """The relation that allows it; ActingRefused (403) when none does."""
    decision = may_act_for(session, holder, person_id, service, now)
    if decision.relation is None:
        raise ActingRefused(decision.refusal)
    return decision.relation


# The event the person acted for sees in their security activity.
ACTED_FOR_YOU = "acted_for_you"


def record_acting(session: Session, kind: str, holder_account: Account, person_id: str,
                  now: datetime, client_address: str | None, **detail: object) -> None:
    """Audit one act in both security activities: the holder's (``kind``) and, when the
    person has an account of their own, theirs (ACTED_FOR_YOU, naming the service's kind).
    Added to the session; the caller commits with the change it records."""
    audit.record(session, kind, now, holder_account.id, client_address, for_person=person_id,
                 **detail)
    if person_id == holder_account.national_id:
        return
    theirs = session.scalar(select(Account.id).where(Account.national_id == person_id))
    if theirs is not None:
        # Their own activity says what was done and by whom, not from where.
        audit.record(session, ACTED_FOR_YOU, now, theirs, None, service=kind,
                     by_person=holder_account.national_id)
