"""What a birth registration reads from and writes to the civil registry: the child's
four-part name, and, once the request is approved, the child (services/births.py).

The four parts: the child's first name, the father's first name, the grandfather's (the
father's father's first name, from the registry's parent link, else the second part of the
father's own name) and the family name (the last part of the father's name), in Arabic
and in English.

The child, created in the approval's transaction (requests.Kind.on_approved): a new
national ID (citizens' start with 1, the last digit the check digit), a Person with the
four-part names, the birth date and the father's city and district, the parent links to
both parents the notification names, a member of the father's family record if he has one,
the act recorded in both security activities (services/acting_for.py: the father acted for
his child), and the father's SMS in his language.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, family
from absher_web.dates import local_today
from absher_web.identity import national_id_check_digit
from absher_web.models import (
    BirthNotification,
    FamilyRecordKind,
    FamilyRecordMember,
    FamilyRelation,
    Language,
    ParentLink,
    ParentRole,
    Person,
    PersonKind,
    ServiceRequest,
    Sex,
)
from absher_web.services import (
    acting_for,
    document_facts,
    family_records,
    names,
    notices,
    requests,
)

CHILD_AUDIT_KIND = "birth_registered"
# A child's ID card is due at 15: until then the registry's expiry is that birthday.
ID_CARD_AGE = 15


@dataclass(frozen=True)
class FourPartName:
    first_ar: str
    first_en: str
    full_ar: str
    full_en: str


def _parts(name: str) -> list[str]:
    return name.split()


def four_part_name(session: Session, father: Person, first_ar: str,
                   first_en: str) -> FourPartName:
    first_ar, first_en = names.clean(first_ar), names.english_form(first_en)
    own_ar, own_en = _parts(father.name_ar), _parts(father.name_en)
    grandfather = next((link.parent_id for link in family.parents_of(session,
                                                                     father.national_id)
                        if link.relation is ParentRole.FATHER), None)
    found = civil_registry.stored_people(session, [grandfather]).get(grandfather) \
        if grandfather else None
    if found is not None:
        grand_ar, grand_en = _parts(found.name_ar)[0], _parts(found.name_en)[0]
    else:
        grand_ar = own_ar[1] if len(own_ar) > 2 else ""
        grand_en = own_en[1] if len(own_en) > 2 else ""
    family_ar = own_ar[-1] if len(own_ar) > 1 else ""
    family_en = own_en[-1] if len(own_en) > 1 else ""
    full_ar = " ".join(part for part in (first_ar, own_ar[0], grand_ar, family_ar) if part)
    full_en = " ".join(part for part in (first_en, own_en[0], grand_en, family_en) if part)
    return FourPartName(first_ar, first_en, full_ar, full_en)


def new_national_id(session: Session) -> str:
    """A citizen's ID number no one holds: 1, eight random digits, the check digit."""
    while True:
        first_nine = "1" + str(secrets.randbelow(10 ** 8)).zfill(8)
        candidate = first_nine + national_id_check_digit(first_nine)
        if session.get(Person, candidate) is None:
            return candidate


def _card_due(born: date) -> date:
    try:
        return born.replace(year=born.year + ID_CARD_AGE)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + ID_CARD_AGE, day=28)


def create_child(session: Session, request: ServiceRequest, now: datetime) -> None:
    """The approved request's child in the registry (once per notification)."""
    notification = session.scalars(select(BirthNotification).where(
        BirthNotification.number == request.request_key)).first()
    if notification is None or notification.child_id is not None:
        raise RuntimeError(f"birth {request.request_key} cannot be registered twice")
    father = session.get(Person, notification.father_id)
    details = request.details
    child_id = new_national_id(session)
    session.add(Person(national_id=child_id, kind=PersonKind.CITIZEN,
                       name_ar=details["name_ar"], name_en=details["name_en"],
                       birth_date=notification.birth_date, nationality="SAU",
                       id_expiry=_card_due(notification.birth_date), city=father.city,
                       district=father.district))
    session.flush()
    session.add_all([
        ParentLink(parent_id=notification.father_id, child_id=child_id,
                   relation=ParentRole.FATHER, child_sex=notification.sex),
        ParentLink(parent_id=notification.mother_id, child_id=child_id,
                   relation=ParentRole.MOTHER, child_sex=notification.sex)])
    claimed = session.execute(
        update(BirthNotification).where(BirthNotification.id == notification.id,
                                         BirthNotification.child_id.is_(None))
        .values(child_id=child_id).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise RuntimeError(f"birth {request.request_key} was registered meanwhile")
    record = family_records.record_of(session, notification.father_id,
                                      FamilyRecordKind.MARRIAGE)
    if record is not None:
        session.add(FamilyRecordMember(record_id=record.id, person_id=child_id,
                                       relation=FamilyRelation.SON
                                       if notification.sex is Sex.MALE
                                       else FamilyRelation.DAUGHTER))
    session.flush()
    account = request.account
    if record is not None:  # the record as it now stands: a new document in its place
        session.expire(record, ["members"])
        document_facts.family_record_issued(
            session, record, family_records.current_members(session, record), account.id,
            now, local_today(now))
    document_facts.birth_registered(
        session, session.get(Person, child_id), notification.sex.value, father,
        session.get(Person, notification.mother_id), account.id, now, local_today(now))
    acting_for.record_acting(session, CHILD_AUDIT_KIND, account, child_id, now, None,
                             request=request.number)
    name = details["name_ar"] if account.preferred_language is Language.ARABIC \
        else details["name_en"]
    requests.tell_after_commit(session, notices.queue(
        session, notices.BIRTH_REGISTERED, account, now, at_once=False, name=name,
        national_id=child_id))
