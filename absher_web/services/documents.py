"""My documents: every identity and travel document the registries hold for a holder — the
national ID card or the iqama, the passport, the visas — in one list, each with its expiry
and whether it is valid, expiring soon (within EXPIRES_SOON_DAYS) or expired.

Each registry that issues documents gives one reader (``SOURCES``): the holder's
documents it holds, read with one query. A new kind of document adds its reader there and
its name in web/documents.py; the page, its order and its warnings follow by themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import passports
from absher_web.models import Person, PersonKind, Visa, VisaStatus
from absher_web.services.eservices import Validity, validity


class DocumentKind(enum.StrEnum):
    NATIONAL_ID = "national_id"
    IQAMA = "iqama"
    PASSPORT = "passport"
    SINGLE_VISA = "visa_single"  # exit and re-entry, one trip
    MULTIPLE_VISA = "visa_multiple"
    FINAL_EXIT_VISA = "visa_final_exit"


@dataclass(frozen=True)
class Document:
    kind: str  # a DocumentKind, or the kind a later reader adds (a visa's type)
    number: str
    expires_on: date | None
    validity: Validity
    issued_on: date | None = None

    @property
    def needs_attention(self) -> bool:
        return self.validity in (Validity.EXPIRES_SOON, Validity.EXPIRED)


def identity_card(_session: Session, person: Person, today: date) -> list[Document]:
    """A citizen's national ID card, or a resident's iqama: the civil registry's record."""
    kind = DocumentKind.NATIONAL_ID if person.kind is PersonKind.CITIZEN else DocumentKind.IQAMA
    return [Document(kind, person.national_id, person.id_expiry,
                     validity(person.id_expiry, today))]


def passport(session: Session, person: Person, today: date) -> list[Document]:
    """The current passport the Passports registry holds, if any."""
    found = passports.passport_of(session, person.national_id)
    if found is None:
        return []
    return [Document(DocumentKind.PASSPORT, found.number, found.expires_on,
                     validity(found.expires_on, today), found.issued_on)]


def visas(session: Session, person: Person, today: date) -> list[Document]:
    """The visas issued and not yet used, cancelled or expired (the Passports records)."""
    found = session.scalars(select(Visa).where(Visa.person_id == person.national_id,
                                               Visa.status == VisaStatus.ISSUED)
                            .order_by(Visa.valid_until, Visa.id))
    return [Document(DocumentKind(f"visa_{visa.kind.value}"), visa.number, visa.valid_until,
                     validity(visa.valid_until, today), visa.issued_on) for visa in found]


Reader = Callable[[Session, Person, date], list[Document]]
# In the order the page lists them.
SOURCES: list[Reader] = [identity_card, passport, visas]


def of_person(session: Session, person: Person, today: date) -> list[Document]:
    return [document for read in SOURCES for document in read(session, person, today)]


def needing_attention(documents: list[Document]) -> list[Document]:
    """Those expired or expiring soon, the earliest expiry first."""
    return sorted((d for d in documents if d.needs_attention),
                  key=lambda d: (d.expires_on or date.max, d.number))
