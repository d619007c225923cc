"""My family: the holder's family members and the people they sponsor, as the registry
links them, each with their documents' validity and the services the holder may use
for them (the rule in services/acting_for.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, family, passports, sponsorship
from absher_web.models import Account, ParentRole, Person, Sex, SponsoredKind
from absher_web.services import acting_for, family_records
from absher_web.services.eservices import Validity, local_today, validity


class Kin(enum.StrEnum):
    """How a listed person is related to the holder (what the page calls them)."""

    WIFE = "wife"
    HUSBAND = "husband"
    SON = "son"
    DAUGHTER = "daughter"
    CHILD_IN_CUSTODY = "child_in_custody"
    FATHER = "father"
    MOTHER = "mother"
    WORKER = "worker"
    DOMESTIC_WORKER = "domestic_worker"
    VISITOR = "visitor"


_SPONSORED = {SponsoredKind.WORKER: Kin.WORKER,
              SponsoredKind.DOMESTIC_WORKER: Kin.DOMESTIC_WORKER,
              SponsoredKind.VISITOR: Kin.VISITOR}


# The order of the list: spouses, children, parents.
_GROUP = {Kin.WIFE: 0, Kin.HUSBAND: 0, Kin.SON: 1, Kin.DAUGHTER: 1, Kin.CHILD_IN_CUSTODY: 1,
          Kin.FATHER: 2, Kin.MOTHER: 2}


@dataclass(frozen=True)
class Member:
    national_id: str  # an ID, iqama or (a visitor's) border number
    name_ar: str
    name_en: str
    kin: Kin
    age: int | None  # None when the registry does not hold the person (a visitor)
    id_expiry: date | None  # the ID card's, iqama's or visit visa's
    id_validity: Validity
    # The current passport's, from the Passports registry; None when it records none.
    passport_expiry: date | None = None
    passport_validity: Validity = Validity.NONE
    services: list[str] = field(default_factory=list)  # keys of acting_for.SERVICES

    @property
    def is_sponsored(self) -> bool:
        return self.kin in _SPONSORED.values()

    @property
    def document(self) -> str:
        """Which document id_expiry is: "id" (a citizen's), "iqama" or "visa"."""
        if self.kin is Kin.VISITOR:
            return "visa"
        return "id" if self.national_id.startswith("1") else "iqama"


@dataclass(frozen=True)
class Family:
    members: list[Member]  # spouses, children, parents
    sponsored: list[Member]  # workers, domestic workers, visitors
    # The family records the holder heads or is listed in (services/family_records.py).
    records: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.members and not self.sponsored


def family_of(session: Session, account: Account, now: datetime) -> Family:
    """Everyone the registry links to the holder, spouses first, then children (the
    eldest first), parents, and the people they sponsor."""
    today = local_today(now)
    holder = account.national_id
    kin: dict[str, Kin] = {}
    relatives = family.relatives_of(session, holder)
    for wife_id in relatives.wives:
        kin.setdefault(wife_id, Kin.WIFE)
    for husband_id in relatives.husbands:
        kin.setdefault(husband_id, Kin.HUSBAND)
    for child_id, sex in relatives.children:
        kin.setdefault(child_id, Kin.SON if sex is Sex.MALE else Kin.DAUGHTER)
    for child_id in relatives.in_custody:
        kin.setdefault(child_id, Kin.CHILD_IN_CUSTODY)
    for parent_id, role in relatives.parents:
        kin.setdefault(parent_id, Kin.FATHER if role is ParentRole.FATHER else Kin.MOTHER)
    sponsorships = sponsorship.sponsored_by(session, holder)
    sponsored_ids = [r.person_id for r in sponsorships]
    # Everyone's registry record and passport in one query each (a visitor's border number
    # finds neither).
    registered = civil_registry.stored_people(session, [*kin, *sponsored_ids])
    people = {national_id: registered[national_id] for national_id in kin
              if national_id in registered}
    found = passports.passports_of(session, [*people, *sponsored_ids])
    expiries = {national_id: passport.expires_on for national_id, passport in found.items()}
    # What the holder may do for each, for everyone at once.
    services = acting_for.services_for(
        session, account, [*people, *sponsored_ids], today, people=registered,
        sponsored=set(sponsored_ids))
    members = sorted(
        (_member(people[national_id], relation, today, expiries.get(national_id),
                 services[national_id])
         for national_id, relation in kin.items() if national_id in people),
        key=lambda m: (_GROUP[m.kin], -(m.age or 0), m.national_id))
    sponsored = []
    for record in sponsorships:
        person = registered.get(record.person_id)
        passport_expiry = expiries.get(record.person_id)
        sponsored.append(Member(
            record.person_id, record.name_ar, record.name_en, _SPONSORED[record.kind],
            acting_for.age_on(person.birth_date, today) if person else None,
            record.permit_expiry, validity(record.permit_expiry, today),
            passport_expiry, validity(passport_expiry, today),
            services=services[record.person_id]))
    records = [family_records.describe(session, record)
               for record in family_records.records_of(session, holder)]
    return Family(members, sponsored, records)


def _member(person: Person, kin: Kin, today: date, passport_expiry: date | None,
            services: list[str]) -> Member:
    return Member(person.national_id, person.name_ar, person.name_en, kin,
                  acting_for.age_on(person.birth_date, today), person.id_expiry,
                  validity(person.id_expiry, today),
                  passport_expiry, validity(passport_expiry, today), services=services)
