"""What each kind of issued document shows (services/issued_documents.py keeps them): the
facts in the order the printed page lists them, each with its label's key and how its value
is written (text, an ID left to right, a date, an amount, a name in both scripts, a plate, a
word). Called in the transaction that issues the record, by the service that issues it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from absher_web.models import (
    Bill,
    FamilyRecord,
    IssuedDocument,
    Person,
    ServiceRequest,
    VehicleSale,
    Visa,
)
from absher_web.services.issued_documents import Kind, issue


def text(label: str, value: object) -> list:
    return [label, "text", "" if value is None else str(value)]


def ident(label: str, value: object) -> list:
    """An ID, plate or reference: shown left to right."""
    return [label, "id", "" if value is None else str(value)]


def day(label: str, value: date) -> list:
    return [label, "date", value.isoformat()]


def money(label: str, halalas: int) -> list:
    return [label, "money", int(halalas)]


def names(label: str, arabic: str, latin: str) -> list:
    return [label, "names", [arabic, latin]]


def plate(label: str, forms: tuple[str, ...]) -> list:
    """A plate in each script it carries, Arabic first (shown in the page's script first)."""
    return [label, "plate", list(forms)]


def word(label: str, key: str) -> list:
    return [label, "word", key]


def service(label: str, key: str) -> list:
    return [label, "service", key]


def visa_issued(session: Session, visa: Visa, person: Person, account_id: int | None,
                valid_until: date, now: datetime) -> IssuedDocument:
    """An exit and re-entry or final exit visa (again when extended: the new last day)."""
    last_day = "leave_before" if visa.kind.value == "final_exit" else "return_before"
    return issue(session, Kind.VISA, visa.id, [
        names("name", person.name_ar, person.name_en), ident("iqama", person.national_id),
        word("visa_type", f"visa_{visa.kind.value}"), ident("visa_number", visa.number),
        day("issued_on", visa.issued_on), day(last_day, valid_until)], now, account_id)


def visit_visa_issued(session: Session, request: ServiceRequest, visa_number: str,
                      issued_on: date, now: datetime) -> IssuedDocument:
    details = request.details
    return issue(session, Kind.VISIT_VISA, request.number, [
        names("name", details.get("name_ar", ""), details.get("name_en", "")),
        ident("passport_number", details.get("passport")),
        ident("visa_number", visa_number), day("issued_on", issued_on),
        text("days", details.get("days"))], now, request.account_id)


def passport_request_received(session: Session, request: ServiceRequest, fee: int,
                              now: datetime, today: date) -> IssuedDocument:
    details = request.details
    return issue(session, Kind.PASSPORT_RECEIPT, request.number, [
        ident("request_number", request.number),
        names("name", details.get("name_ar", ""), details.get("name_en", "")),
        ident("id_number", request.beneficiary_id), text("years", details.get("years")),
        money("fee", fee), day("submitted_on", today)], now, request.account_id)


def family_record_issued(session: Session, record: FamilyRecord, members: list,
                         account_id: int | None, now: datetime, today: date) -> IssuedDocument:
    """A family record as it stands: issued again (superseding) when a member joins."""
    head = session.get(Person, record.head_id)
    shown = [ident("record_number", record.number),
             names("head", head.name_ar, head.name_en) if head else ident("head", record.head_id),
             ident("id_number", record.head_id)]
    for member in members:
        person = session.get(Person, member.person_id)
        if person is not None:
            shown.append(names(member.relation.value, person.name_ar, person.name_en))
    shown.append(day("issued_on", today))
    return issue(session, Kind.FAMILY_RECORD, record.id, shown, now, account_id)


def birth_registered(session: Session, child: Person, sex: str, father: Person | None,
                     mother: Person | None, account_id: int | None,
                     now: datetime, today: date) -> IssuedDocument:
    shown = [names("name", child.name_ar, child.name_en), ident("id_number", child.national_id),
             day("birth_date", child.birth_date), word("sex", sex)]
    for label, parent in (("father", father), ("mother", mother)):
        if parent is not None:
            shown.append(names(label, parent.name_ar, parent.name_en))
    shown.append(day("issued_on", today))
    return issue(session, Kind.BIRTH, child.national_id, shown, now, account_id)


def payment_received(session: Session, paid: Bill, paid_on: date, now: datetime
                     ) -> IssuedDocument:
    return issue(session, Kind.PAYMENT, paid.id, [
        ident("bill_number", paid.number), service("service", paid.service),
        ident("beneficiary_id", paid.beneficiary_id), money("amount", paid.amount),
        money("vat", paid.vat), ident("bank_reference", paid.bank_reference),
        day("paid_on", paid_on)], now, paid.account_id)


def sale_completed(session: Session, sale: VehicleSale, seller: Person | None,
                   buyer: Person | None, plate_forms: tuple[str, ...], today: date,
                   now: datetime) -> IssuedDocument:
    vehicle = sale.vehicle
    shown = []
    for label, person in (("seller", seller), ("buyer", buyer)):
        if person is not None:
            shown.append(names(label, person.name_ar, person.name_en))
    shown += [text("vehicle", f"{vehicle.make} {vehicle.model} {vehicle.year}"),
              plate("plate", plate_forms), money("price", sale.price), day("completed_on", today)]
    return issue(session, Kind.VEHICLE_SALE, sale.id, shown, now, sale.seller_account_id,
                 sale.buyer_account_id)
