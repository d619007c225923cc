"""Documents the site issues, with signed numbers a third party checks at /verify.

Every document (a visa, a visit visa, a passport request's receipt, a family record, a birth
registration, a payment receipt, a vehicle sale contract) gets, in the transaction that issues
it, an ``IssuedDocument``: a number and a snapshot of exactly the facts the printed document
shows. /verify shows that snapshot and nothing else, and whether the document still holds,
read from the live record (a visa cancelled, a bill refunded...).

The number: 16 digits, read aloud in groups of four. The first ten are random
(``secrets``); the last six are an HMAC-SHA256 of them under the signing key (the setting
DOCUMENT_SIGNING_KEYS, the first of several signs, all check: rotation). A number typed at
random fails the check before anything is looked up; every number, well signed or not, costs
one indexed lookup, so an unknown number and a forged one answer alike, in the same time.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    FamilyRecord,
    IssuedDocument,
    Person,
    RequestStatus,
    SaleStatus,
    ServiceRequest,
    VehicleSale,
    Visa,
    VisaStatus,
)
from absher_web.money import money as money_text

RANDOM_DIGITS = 10
CHECK_DIGITS = 6
NUMBER_DIGITS = RANDOM_DIGITS + CHECK_DIGITS
NUMBER = re.compile(rf"[0-9]{{{NUMBER_DIGITS}}}")
# What a number may be typed with: spaces, dashes, dots and bidi marks between the groups.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.\u200e\u200f\u061c]+")
# Arabic-Indic and Eastern Arabic-Indic (Persian) digits read as 0-9.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
LONGEST_TYPED = 300  # longer is refused before it is read (a QR link fits easily)
VERIFY_PATH = "/verify/"


class Kind(enum.StrEnum):
    VISA = "visa"  # exit and re-entry or final exit (services/residency.py)
    VISIT_VISA = "visit_visa"  # a Premium Residency holder's relative (premium_visas.py)
    PASSPORT_RECEIPT = "passport_receipt"  # a passport request submitted (passports.py)
    FAMILY_RECORD = "family_record"
    BIRTH = "birth_registration"
    PAYMENT = "payment_receipt"
    VEHICLE_SALE = "vehicle_sale"


# TRANSLATORS: Each kind of document the site issues, as the heading of its printable page
# and of its check at /verify.
TITLES: dict[str, LazyString] = {
    Kind.VISA: _l("Exit and re-entry or final exit visa"),
    Kind.VISIT_VISA: _l("Visit visa for a relative of a Premium Residency holder"),
    Kind.PASSPORT_RECEIPT: _l("Receipt of a passport request"),
    Kind.FAMILY_RECORD: _l("Family record"),
    Kind.BIRTH: _l("Birth registration"),
    Kind.PAYMENT: _l("Payment receipt"),
    # TRANSLATORS: A kind of document: the contract of a vehicle sold through Absher.
    Kind.VEHICLE_SALE: _l("Vehicle sale contract"),
}
# TRANSLATORS: Who issued each kind of document, under its title on the printable page and
# at /verify.
ISSUERS: dict[str, LazyString] = {
    Kind.VISA: _l("Issued by the General Directorate of Passports, Kingdom of Saudi Arabia"),
    Kind.VISIT_VISA: _l("Issued by the General Directorate of Passports, Kingdom of Saudi "
                        "Arabia"),
    Kind.PASSPORT_RECEIPT: _l("Issued by the General Directorate of Passports, Kingdom of "
                              "Saudi Arabia"),
    Kind.FAMILY_RECORD: _l("Issued by the Civil Affairs Agency, Kingdom of Saudi Arabia"),
    Kind.BIRTH: _l("Issued by the Civil Affairs Agency, Kingdom of Saudi Arabia"),
    Kind.PAYMENT: _l("Absher: a government fee paid by SADAD bill to the Ministry of "
                     "Interior."),
    Kind.VEHICLE_SALE: _l("Recorded by the General Department of Traffic, Kingdom of Saudi "
                          "Arabia"),
}

# The labels of the facts a document shows (one key each, language-neutral in the snapshot).
LABELS: dict[str, LazyString] = {
    "name": _l("Name"),
    "iqama": _l("Iqama number"),
    "id_number": _l("ID number"),
    "visa_type": _l("Visa type"),
    "visa_number": _l("Visa number"),
    "issued_on": _l("Issued on"),
    "return_before": _l("Return before"),
    "leave_before": _l("Leave before"),
    "passport_number": _l("Passport number"),
    "nationality": _l("Nationality"),
    "days": _l("Days of stay"),
    "request_number": _l("Request number"),
    # TRANSLATORS: A label on a passport request's receipt: how many years the new passport
    # is valid for follows.
    "years": _l("Years of validity"),
    "fee": _l("Fee"),
    # TRANSLATORS: A label on a receipt or a document: the day it was submitted follows.
    "submitted_on": _l("Submitted on"),
    # TRANSLATORS: A label on a family record: its number follows.
    "record_number": _l("Family record number"),
    "head": _l("Head of the family"),
    # TRANSLATORS: A label on a family record: a wife of its head; her name follows.
    "wife": _l("Wife"),
    "son": _l("Son"),
    "daughter": _l("Daughter"),
    "birth_date": _l("Date of birth"),
    "sex": _l("Sex"),
    "father": _l("Father"),
    "mother": _l("Mother"),
    "bill_number": _l("Bill number"),
    "service": _l("Service"),
    "beneficiary_id": _l("Beneficiary's ID number"),
    "amount": _l("Amount"),
    "vat": _l("Of which VAT"),
    "bank_reference": _l("Bank reference"),
    "paid_on": _l("Paid on"),
    "seller": _l("Seller"),
    "buyer": _l("Buyer"),
    "vehicle": _l("Vehicle"),
    "plate": _l("Plate"),
    "price": _l("Price"),
    # TRANSLATORS: A label on a vehicle sale contract: the day the ownership passed follows.
    "completed_on": _l("Completed on"),
}
# Values that are words (translated when shown).
WORDS: dict[str, LazyString] = {
    "visa_single": _l("Single exit and re-entry"),
    "visa_multiple": _l("Multiple exit and re-entry"),
    "visa_final_exit": _l("Final exit"),
    # TRANSLATORS: A person's sex on a birth registration.
    "male": _l("Male"),
    # TRANSLATORS: A person's sex on a birth registration.
    "female": _l("Female"),
}


class Lapse(enum.StrEnum):
    """Why a genuine document no longer holds."""

    CANCELLED = "cancelled"
    USED = "used"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    SUPERSEDED = "superseded"
    ENDED = "ended"  # the record it stands for is no longer held


# TRANSLATORS: At /verify, why a genuine document is no longer valid (in the words the
# document itself would use).
LAPSES: dict[str, LazyString] = {
    # TRANSLATORS: At /verify, why a genuine document (a visa) is no longer valid.
    Lapse.CANCELLED: _l("It was cancelled."),
    Lapse.USED: _l("The visa was used to travel."),
    # TRANSLATORS: At /verify, why a genuine document (a visa) is no longer valid.
    Lapse.EXPIRED: _l("It has expired."),
    Lapse.REFUNDED: _l("The payment was refunded."),
    Lapse.WITHDRAWN: _l("The request was withdrawn."),
    Lapse.REFUSED: _l("The request was refused."),
    Lapse.SUPERSEDED: _l("A newer document was issued in its place."),
    Lapse.ENDED: _l("The record it stands for is no longer held."),
}


# --- numbers -------------------------------------------------------------------------------


def signing_keys(config) -> list[bytes]:  # noqa: ANN001 (a Flask config or a dict)
    """The configured keys (the first signs), or one derived from SECRET_KEY."""
    listed = [key.strip() for key in (config.get("DOCUMENT_SIGNING_KEYS") or "").split(",")
              if key.strip()]
    if not listed:
        derived = hashlib.sha256(b"absher-documents:" + config["SECRET_KEY"].encode())
        return [derived.digest()]
    return [key.encode("utf-8") for key in listed]


def check_part(key: bytes, random_part: str) -> str:
    digest = hmac.new(key, b"document:" + random_part.encode("ascii"), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10 ** CHECK_DIGITS).zfill(CHECK_DIGITS)


def new_number(keys: list[bytes]) -> str:
    random_part = str(secrets.randbelow(10 ** RANDOM_DIGITS)).zfill(RANDOM_DIGITS)
    return random_part + check_part(keys[0], random_part)


def well_signed(number: str, keys: list[bytes]) -> bool:
    """True when the check part matches under any key (every key is always tried)."""
    random_part, check = number[:RANDOM_DIGITS], number[RANDOM_DIGITS:]
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(check_part(key, random_part), check)
    return matched


def grouped(number: str) -> str:
    """For reading aloud: '1234 5678 9012 3456'."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def normalised(typed: str | None) -> str | None:
    """The number in ``typed`` (spaces, dashes, Arabic-Indic digits, or the QR link), or None
    when it cannot be one."""
    if not typed or len(typed) > LONGEST_TYPED:
        return None
    text = typed.strip()
    if VERIFY_PATH in text:
        text = text.rsplit(VERIFY_PATH, 1)[1].split("?", 1)[0].split("#", 1)[0]
    text = SEPARATORS.sub("", text.translate(DIGITS))
    return text if NUMBER.fullmatch(text) else None


# --- facts: what a document shows ------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    label: str
    kind: str
    value: object


def facts_of(document: IssuedDocument) -> list[Fact]:
    """The snapshot as shown: dates as dates, the rest as stored."""
    return [Fact(label, kind, date.fromisoformat(value) if kind == "date" else value)
            for label, kind, value in document.facts]


# --- issuing --------------------------------------------------------------------------------


def issue(session: Session, kind: Kind, source: object, facts: list[list], now: datetime,
          account: Account | int | None, other: Account | int | None = None) -> IssuedDocument:
    """Record the document in the caller's transaction (before its commit); earlier
    documents of the same source are superseded."""
    keys = signing_keys(current_app.config)
    session.execute(update(IssuedDocument).where(
        IssuedDocument.kind == kind.value, IssuedDocument.source == str(source),
        IssuedDocument.superseded_at.is_(None)).values(superseded_at=now)
        .execution_options(synchronize_session=False))
    while True:
        document = IssuedDocument(number=new_number(keys), kind=kind.value, source=str(source),
                                  account_id=_id(account), other_account_id=_id(other),
                                  facts=facts, issued_at=now)
        try:
            with session.begin_nested():  # a number drawn twice (1 in 10^10) draws again
                session.add(document)
                session.flush()
        except IntegrityError:
            continue
        return document


def _id(account: Account | int | None) -> int | None:
    return account.id if isinstance(account, Account) else account


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    document: IssuedDocument
    lapse: Lapse | None  # None: valid

    @property
    def valid(self) -> bool:
        return self.lapse is None


def look_up(session: Session, number: str, keys: list[bytes]) -> IssuedDocument | None:
    """The document of a well-formed number: the signature checked first, then one indexed
    lookup whatever it found (a forged number costs what an unknown one does)."""
    signed = well_signed(number, keys)
    found = session.scalar(select(IssuedDocument).where(IssuedDocument.number == number))
    return found if signed else None


def check(session: Session, number: str, today: date) -> Checked | None:
    found = look_up(session, number, signing_keys(current_app.config))
    if found is None:
        return None
    return Checked(found, lapse_of(session, found, today))


def lapse_of(session: Session, document: IssuedDocument, today: date) -> Lapse | None:
    if document.superseded_at is not None:
        return Lapse.SUPERSEDED
    reader = LAPSE_READERS.get(document.kind)
    return reader(session, document.source, today) if reader else Lapse.ENDED


def _visa(session: Session, source: str, today: date) -> Lapse | None:
    visa = session.get(Visa, int(source))
    if visa is None:
        return Lapse.ENDED
    if visa.status is VisaStatus.CANCELLED:
        return Lapse.CANCELLED
    if visa.status is VisaStatus.USED:
        return Lapse.USED
    if visa.status is VisaStatus.EXPIRED or visa.valid_until < today:
        return Lapse.EXPIRED
    return None


def _request_lapse(request: ServiceRequest | None) -> Lapse | None:
    if request is None:
        return Lapse.ENDED
    return {RequestStatus.CANCELLED: Lapse.WITHDRAWN,
            RequestStatus.REFUSED: Lapse.REFUSED}.get(request.status)


def _request(session: Session, source: str, _today: date) -> Lapse | None:
    return _request_lapse(session.scalar(select(ServiceRequest).where(
        ServiceRequest.number == source)))


def _family_record(session: Session, source: str, _today: date) -> Lapse | None:
    return None if session.get(FamilyRecord, int(source)) is not None else Lapse.ENDED


def _birth(session: Session, source: str, _today: date) -> Lapse | None:
    return None if session.get(Person, source) is not None else Lapse.ENDED


def _payment(session: Session, source: str, _today: date) -> Lapse | None:
    paid = session.get(Bill, int(source))
    if paid is None:
        return Lapse.ENDED
    if paid.status in (BillStatus.REFUNDING, BillStatus.REFUNDED):
        return Lapse.REFUNDED
    return None


def _sale(session: Session, source: str, _today: date) -> Lapse | None:
    sale = session.get(VehicleSale, int(source))
    return None if sale is not None and sale.status is SaleStatus.COMPLETED else Lapse.ENDED


LAPSE_READERS: dict[str, Callable[[Session, str, date], Lapse | None]] = {
    Kind.VISA: _visa, Kind.VISIT_VISA: _request, Kind.PASSPORT_RECEIPT: _request,
    Kind.FAMILY_RECORD: _family_record, Kind.BIRTH: _birth, Kind.PAYMENT: _payment,
    Kind.VEHICLE_SALE: _sale,
}


def of_holder(session: Session, account: Account, limit: int = 100) -> list[IssuedDocument]:
    """The holder's documents still in force or not, the newest first (superseded ones
    left out: their newer document is listed)."""
    return list(session.scalars(select(IssuedDocument).where(
        or_(IssuedDocument.account_id == account.id,
            IssuedDocument.other_account_id == account.id),
        IssuedDocument.superseded_at.is_(None))
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()).limit(limit)))


def own(session: Session, account: Account, number: str) -> IssuedDocument | None:
    """The holder's own document by its number (None for anyone else's, or none)."""
    found = session.scalar(select(IssuedDocument).where(IssuedDocument.number == number))
    if found is None or account.id not in (found.account_id, found.other_account_id):
        return None
    return found


def latest_for(session: Session, kind: Kind, source: object) -> IssuedDocument | None:
    """The current document of a record (a visa, a bill...), for a link from its page."""
    return session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == kind.value, IssuedDocument.source == str(source),
        IssuedDocument.superseded_at.is_(None)).order_by(IssuedDocument.id.desc()).limit(1))


def of_requests(session: Session, account: Account, numbers: list[str]
                ) -> dict[str, IssuedDocument]:
    """The holder's current documents issued for these requests (a receipt, a visit visa),
    by request number, for links from My requests."""
    if not numbers:
        return {}
    found = session.scalars(select(IssuedDocument).where(
        IssuedDocument.account_id == account.id, IssuedDocument.source.in_(numbers),
        IssuedDocument.kind.in_((Kind.VISIT_VISA.value, Kind.PASSPORT_RECEIPT.value)),
        IssuedDocument.superseded_at.is_(None)).order_by(IssuedDocument.id))
    return {document.source: document for document in found}


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's documents for their data export: JSON-safe values."""
    rows = session.scalars(select(IssuedDocument).where(
        or_(IssuedDocument.account_id == account.id,
            IssuedDocument.other_account_id == account.id)).order_by(IssuedDocument.id))
    return [{"number": grouped(row.number), "kind": row.kind,
             "title": str(TITLES.get(row.kind, row.kind)),
             "issued_at": row.issued_at.isoformat(),
             "superseded_at": row.superseded_at.isoformat() if row.superseded_at else None,
             "facts": [_exported(label, kind, value) for label, kind, value in row.facts]}
            for row in rows]


def _exported(label: str, kind: str, value: object) -> dict:
    shown = {"label": str(LABELS.get(label, label)), "kind": kind, "value": value}
    if kind == "money":
        shown["display"] = money_text(int(value))
    elif kind == "word":
        shown["display"] = str(WORDS.get(str(value), value))
    return shown
