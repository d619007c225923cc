"""My data, to take away (the Personal Data Protection Law's right of access): a ZIP of
everything held about the holder, one JSON file a section plus one readable HTML page, in
the holder's language when they asked.

A holder asks (``ask``); the runner (`flask absher run-due`, ``prepare_due``) prepares it,
always in the background: one code path whatever the account's size, no request ever
waits for a big account's rows, and the runner is the one place that bounds the work. It
is stored in the database (every instance reads it), offered DATA_EXPORT_KEEP long
(``expire`` deletes the file then) and asked for again only DATA_EXPORT_PAUSE after the
last time. One row an account (data_exports.account_id is unique): the first ask inserts
it, a later one is a conditional UPDATE on a finished row whose pause is over, so twenty
asks at once make one export; a runner claims an asked export with a conditional UPDATE
too, so two runners at once build it once.

The sections are a list (SECTIONS): one function each, ``(session, account) -> list of
dicts`` of JSON-safe values (str, int, bool, None; dates as ISO strings; money in
halalas with a display string). A service that keeps a holder's rows adds its
``for_export`` here in one line. Secrets never leave: no password hash, session token,
security answers or codes (the account section lists its fields by name; the others drop
INTERNAL columns), and staff stay unnamed.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from absher_web import dates
from absher_web.models import (
    Account,
    AuditEvent,
    Bill,
    DataExport,
    DrivingAuthorisation,
    ExportStatus,
    Passport,
    ServiceRequest,
    TravelBan,
    Vehicle,
    VehicleSale,
)
from absher_web.money import money
from absher_web.services import (
    audit,
    decorum,
    devices,
    employment,
    inbox,
    investors,
    issued_documents,
    notices,
    staff_looks,
    tahseen,
    uploads,
)

log = logging.getLogger(__name__)

# A runner that took an export and died is replaced after this long.
STALE_CLAIM = timedelta(minutes=15)
# No section holds more rows than this (the retention rules keep far fewer); a longer one
# is cut, and its file says so.
ROWS_MAX = 5000
# How many exports one run of the runner prepares; the rest wait for the next run.
PER_RUN = 20
# Columns never exported from any table: secrets, and what names the staff.
INTERNAL = frozenset({"password_hash", "session_token", "code_hmac", "answer_hash",
                      "key_ciphertext", "staff_user_id", "decided_by", "content",
                      "fulfil_error", "refund_error", "payout_error"})
ZIP_NAME = "absher-my-data.zip"
README_NAME = "my-data.html"
SECTION_NAME = re.compile(r"[a-z][a-z_]{0,39}")


@dataclass(frozen=True)
class Section:
    """One part of the export: its file (``name``.json), its heading, and what it holds."""

    name: str
    title: LazyString
    rows: Callable[[Session, Account], list[dict]]

    def __post_init__(self) -> None:
        if not SECTION_NAME.fullmatch(self.name):  # a fixed file name, never a path
            raise ValueError(f"A section's name is a-z and _ only: {self.name!r}")


# --- the sections ------------------------------------------------------------------------


def json_safe(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return str(value)


def row(obj: object, leave_out: tuple[str, ...] = ()) -> dict:
    """A model row's columns, JSON-safe, without INTERNAL ones (and ``leave_out``)."""
    return {column.key: json_safe(getattr(obj, column.key))
            for column in inspect(obj).mapper.column_attrs
            if column.key not in INTERNAL and column.key not in leave_out}


def with_money(values: dict, *keys: str) -> dict:
    """Amounts in halalas, each with the sum as the holder reads it."""
    for key in keys:
        if isinstance(values.get(key), int):
            values[f"{key}_shown"] = money(values[key])
    return values


def account_rows(_session: Session, account: Account) -> list[dict]:
    # Named one by one: a column added to accounts later is not exported by accident.
    return [{
        "username": account.username, "national_id": account.national_id,
        "mobile": account.mobile, "email": account.email,
        "preferred_language": account.preferred_language.value,
        "activation_state": account.activation_state.value,
        "created_at": json_safe(account.created_at),
        "activated_at": json_safe(account.activated_at),
        "last_sign_in_at": json_safe(account.last_sign_in_at),
        "password_changed_at": json_safe(account.password_changed_at),
        "locked_until": json_safe(account.locked_until),
        "security_questions": [answer.question_key for answer in account.security_answers],
    }]


def civil_registry_rows(_session: Session, account: Account) -> list[dict]:
    """The record as My data shows it."""
    person = account.person
    return [{
        "national_id": person.national_id, "kind": person.kind.value,
        "name_ar": person.name_ar, "name_en": person.name_en,
        "birth_date": person.birth_date.isoformat(), "id_expiry": person.id_expiry.isoformat(),
        "nationality": person.nationality, "city": person.city, "district": person.district,
    }]


def request_rows(session: Session, account: Account) -> list[dict]:
    """The holder's requests, and those others made for them."""
    found = session.scalars(select(ServiceRequest).where(or_(
        ServiceRequest.account_id == account.id,
        ServiceRequest.beneficiary_id == account.national_id))
        .order_by(ServiceRequest.created_at, ServiceRequest.id).limit(ROWS_MAX + 1))
    return [row(request, ("account_id", "bill_id")) for request in found]


def bill_rows(session: Session, account: Account) -> list[dict]:
    """Bills and their receipts (paid, refunded), amounts in halalas and as shown."""
    found = session.scalars(select(Bill).where(Bill.account_id == account.id)
                            .order_by(Bill.created_at, Bill.id).limit(ROWS_MAX + 1))
    return [with_money(row(bill, ("account_id", "fulfil_attempts", "fulfil_next_at",
                                  "refund_attempts", "refund_next_at")),
                       "amount", "vat", "refund_amount") for bill in found]


def vehicle_rows(session: Session, account: Account) -> list[dict]:
    found = session.scalars(select(Vehicle).where(Vehicle.owner_id == account.national_id)
                            .order_by(Vehicle.id).limit(ROWS_MAX + 1))
    return [{**row(vehicle), "violations": [row(violation, ("vehicle_id",))
                                            for violation in vehicle.violations]}
            for vehicle in found]


def vehicle_sale_rows(session: Session, account: Account) -> list[dict]:
    """Sales as seller (with the payout) and as buyer (without the seller's account)."""
    found = session.scalars(select(VehicleSale).where(or_(
        VehicleSale.seller_account_id == account.id,
        VehicleSale.buyer_account_id == account.id))
        .order_by(VehicleSale.created_at, VehicleSale.id).limit(ROWS_MAX + 1))
    rows = []
    for sale in found:
        selling = sale.seller_account_id == account.id
        leave_out = ("seller_account_id", "buyer_account_id", "payout_next_at",
                     "payout_attempts") + (() if selling else (
                         "seller_iban", "payout_bank", "payout_reference", "paid_out_at"))
        rows.append(with_money({"side": "seller" if selling else "buyer",
                                **row(sale, leave_out)}, "price"))
    return rows


def driving_authorisation_rows(session: Session, account: Account) -> list[dict]:
    found = session.scalars(select(DrivingAuthorisation).where(or_(
        DrivingAuthorisation.owner_account_id == account.id,
        DrivingAuthorisation.driver_account_id == account.id))
        .order_by(DrivingAuthorisation.id).limit(ROWS_MAX + 1))
    return [{"side": "owner" if found_row.owner_account_id == account.id else "driver",
             **row(found_row, ("owner_account_id", "driver_account_id"))}
            for found_row in found]


def travel_rows(session: Session, account: Account) -> list[dict]:
    """The passport the Passports records hold, and a travel ban if any."""
    rows = [{"record": "passport", **row(found, ("person_id",))} for found in session.scalars(
        select(Passport).where(Passport.person_id == account.national_id))]
    rows += [{"record": "travel_ban", **row(found, ("person_id",))}
             for found in session.scalars(
                 select(TravelBan).where(TravelBan.person_id == account.national_id))]
    return rows


def family_rows(session: Session, account: Account) -> list[dict]:
    """The family as My family shows it: the people linked to the holder and the records
    the holder heads or is listed in, as far as they are the holder's."""
    from absher_web.models import utcnow
    from absher_web.services import family

    found = family.family_of(session, account, utcnow())
    rows = [{"record": "member", "national_id": member.national_id, "kin": member.kin.value,
             "name_ar": member.name_ar, "name_en": member.name_en,
             "id_expiry": json_safe(member.id_expiry)}
            for member in [*found.members, *found.sponsored]]
    rows += [{"record": "family_record", "number": view.number,
              "kind": view.record.kind.value, "head_id": view.head.national_id,
              "issued_at": json_safe(view.record.issued_at),
              "members": [{"national_id": member.person.national_id,
                           "relation": member.relation.value} for member in view.members]}
             for view in found.records]
    return rows


def security_activity_rows(session: Session, account: Account) -> list[dict]:
    """The security activity: what happened, when, and from which address."""
    found = session.scalars(select(AuditEvent).where(AuditEvent.account_id == account.id)
                            .order_by(AuditEvent.created_at, AuditEvent.id)
                            .limit(ROWS_MAX + 1))
    return [{"kind": event.kind, "created_at": json_safe(event.created_at),
             "client_address": event.client_address,
             "by_staff": event.staff_user_id is not None} for event in found]


def staff_look_rows(session: Session, account: Account) -> list[dict]:
    """Who looked at the holder's record: when, which role and office, why; no names."""
    rows, cursor = [], None
    while len(rows) <= ROWS_MAX:
        page = staff_looks.of_person(session, account.national_id, cursor, size=500)
        rows += [{"created_at": json_safe(look.created_at), "role": look.role,
                  "role_shown": str(staff_looks.role_name(look.role)), "office": look.office,
                  "reason": look.reason, "reason_shown": str(staff_looks.reason_text(look)),
                  "note": look.note} for look in page.looks]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return rows


SECTIONS: list[Section] = [
    # TRANSLATORS: A section of the holder's downloaded data (and its heading).
    Section("account", _l("Your account"), account_rows),
    # TRANSLATORS: A section of the holder's downloaded data: their civil registry record.
    Section("civil_registry", _l("Your civil registry record"), civil_registry_rows),
    # TRANSLATORS: A section of the holder's downloaded data.
    Section("requests", _l("Your requests"), request_rows),
    # TRANSLATORS: A section of the holder's downloaded data: bills for fees and receipts.
    Section("bills", _l("Your bills and receipts"), bill_rows),
    # TRANSLATORS: A section of the holder's downloaded data.
    Section("vehicles", _l("Your vehicles and their violations"), vehicle_rows),
    # TRANSLATORS: A section of the holder's downloaded data.
    Section("vehicle_sales", _l("Your vehicle sales"), vehicle_sale_rows),
    # TRANSLATORS: A section of the holder's downloaded data.
    Section("driving_authorisations", _l("Your driving authorisations"),
            driving_authorisation_rows),
    # TRANSLATORS: A section of the holder's downloaded data: passport and any travel ban.
    Section("travel", _l("Your passport and travel"), travel_rows),
    # TRANSLATORS: A section of the holder's downloaded data.
    Section("family", _l("Your family"), family_rows),
    # TRANSLATORS: A section of the holder's downloaded data: sign-ins, password changes...
    Section("security_activity", _l("Your security activity"), security_activity_rows),
    # TRANSLATORS: A section of the holder's downloaded data: each time an officer opened
    # the holder's record.
    Section("staff_looks", _l("Who looked at your data"), staff_look_rows),
    # Sections of other services: one line each, Section(name, title, service.for_export).
    # TRANSLATORS: A section of the holder's downloaded data: every notice Absher sent them.
    Section("inbox", _l("Your inbox"), inbox.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: photos and PDFs they sent.
    Section("files", _l("Files you sent"), uploads.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: public decorum violations.
    Section("decorum_violations", _l("Your public decorum violations and objections"),
            decorum.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: Tahseen tickets (خدمة تحسين).
    Section("tahseen_tickets", _l("Your Tahseen tickets"), tahseen.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: job applications (Absher
    # Employment).
    Section("job_applications", _l("Your job applications"), employment.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: investment licences.
    Section("investor_licences", _l("Your investment licences"), investors.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: documents Absher issued them
    # (visas, receipts, family records...), each with its number to verify.
    Section("issued_documents", _l("Documents issued to you"), issued_documents.for_export),
    # TRANSLATORS: A section of the holder's downloaded data: the devices and browsers they
    # signed in from, with when.
    Section("devices", _l("Where you signed in"), devices.for_export),
]


# --- the ZIP ---------------------------------------------------------------------------------


def nested(value: object) -> str:
    """A list or mapping inside a row, as the readable page shows it (escaped there)."""
    return json.dumps(value, ensure_ascii=False, indent=1)


def build(session: Session, account: Account, language: str, now: datetime) -> bytes:
    """The ZIP: one JSON file a section and the readable page, in ``language``."""
    with force_locale(language):
        parts = []
        for section in SECTIONS:
            rows = section.rows(session, account)
            parts.append((section, rows[:ROWS_MAX], len(rows) > ROWS_MAX))
        # The template alone, without the site's context processors: no request here.
        page = current_app.jinja_env.get_template("exports/my_data.html").render(
            parts=parts, made_at=now, lang=language, nested=nested)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(README_NAME, page)
            for section, rows, cut in parts:
                archive.writestr(f"{section.name}.json", json.dumps(
                    {"section": section.name, "title": str(section.title), "made_at":
                     now.isoformat(), "cut_at": ROWS_MAX if cut else None, "rows": rows},
                    ensure_ascii=False, indent=1))
    return buffer.getvalue()


# --- asking, preparing, offering, expiring -------------------------------------------------


@dataclass(frozen=True)
class State:
    """Where the holder's export stands, as their page says it."""

    status: ExportStatus | None  # None: never asked (or forgotten after its pause)
    asked_at: datetime | None = None
    expires_at: datetime | None = None
    may_ask_at: datetime | None = None  # when another may be asked for
    size: int | None = None

    def may_ask(self, now: datetime) -> bool:
        return self.status is None or (
            self.status is ExportStatus.EXPIRED and self.may_ask_at <= now)


def state_of(session: Session, account: Account, now: datetime, pause: timedelta) -> State:
    found = session.scalar(select(DataExport).where(DataExport.account_id == account.id))
    if found is None:
        return State(None)
    status = found.status
    if status is ExportStatus.READY and found.expires_at <= now:  # the runner is behind
        status = ExportStatus.EXPIRED
    return State(status, found.asked_at, found.expires_at, found.asked_at + pause, found.size)


def ask(session: Session, account: Account, language: str, now: datetime,
        pause: timedelta, client_address: str | None) -> bool:
    """Ask for a copy; False when one is under way, offered, or the pause is not over.
    Commits."""
    found = session.scalar(select(DataExport.id).where(DataExport.account_id == account.id))
    if found is None:
        try:
            with session.begin_nested():
                session.add(DataExport(account_id=account.id, status=ExportStatus.ASKED,
                                       language=language, asked_at=now))
        except IntegrityError:  # another ask of the same holder came first
            session.rollback()
            return False
    else:
        again = session.execute(
            update(DataExport).where(
                DataExport.id == found, DataExport.asked_at <= now - pause,
                or_(DataExport.status == ExportStatus.EXPIRED,
                    (DataExport.status == ExportStatus.READY) & (DataExport.expires_at <= now)))
            .values(status=ExportStatus.ASKED, language=language, asked_at=now,
                    started_at=None, ready_at=None, expires_at=None, size=None, content=None)
            .execution_options(synchronize_session=False))
        if again.rowcount != 1:
            session.rollback()
            return False
    audit.record(session, "data_export_asked", now, account.id, client_address)
    session.commit()
    return True


def waiting_claim(now: datetime):  # noqa: ANN201 (a SQL condition)
    """Exports a runner may take: asked, or taken by a runner that died."""
    return or_(DataExport.status == ExportStatus.ASKED,
               (DataExport.status == ExportStatus.PREPARING)
               & (DataExport.started_at < now - STALE_CLAIM))


def prepare_due(begin: Callable[[], object], now: datetime, keep: timedelta,
                per_run: int = PER_RUN) -> int:
    """Prepare the exports waiting, each by the one runner that claims it; how many."""
    prepared = 0
    for _ in range(per_run):
        with begin() as session:
            export_id = session.scalar(select(DataExport.id).where(waiting_claim(now))
                                       .order_by(DataExport.asked_at).limit(1)
                                       .with_for_update(skip_locked=True))
            if export_id is None:
                return prepared
            taken = session.execute(
                update(DataExport).where(DataExport.id == export_id, waiting_claim(now))
                .values(status=ExportStatus.PREPARING, started_at=now)
                .execution_options(synchronize_session=False)).rowcount == 1
        if taken and _prepare(begin, export_id, now, keep):
            prepared += 1
    return prepared


def _prepare(begin: Callable[[], object], export_id: int, now: datetime,
             keep: timedelta) -> bool:
    """Build one claimed export and offer it, if this runner's claim still holds."""
    with begin() as session:
        export = session.get(DataExport, export_id)
        account = session.get(Account, export.account_id)
        content = build(session, account, export.language, now)
        until = now + keep
        offered = session.execute(
            update(DataExport).where(DataExport.id == export_id,
                                     DataExport.status == ExportStatus.PREPARING,
                                     DataExport.started_at == now)
            .values(status=ExportStatus.READY, content=content, size=len(content),
                    ready_at=now, expires_at=until)
            .execution_options(synchronize_session=False)).rowcount == 1
        if offered:
            audit.record(session, "data_export_ready", now, account.id, size=len(content))
            # Saved with the export; sent by run-due's notices, after this part.
            notices.queue(session, notices.DATA_EXPORT_READY, account, now, at_once=False,
                          until=until.astimezone(dates.RIYADH).strftime("%Y-%m-%d %H:%M"))
    log.info("data export %s %s (%d bytes)", export_id,
             "prepared" if offered else "prepared by another runner", len(content))
    return offered


def expire(begin: Callable[[], object], now: datetime) -> int:
    """Delete the files of the exports past their time; how many."""
    with begin() as session:
        return session.execute(
            update(DataExport).where(DataExport.status == ExportStatus.READY,
                                     DataExport.expires_at <= now)
            .values(status=ExportStatus.EXPIRED, content=None, size=None)
            .execution_options(synchronize_session=False)).rowcount


def offered(session: Session, account: Account, now: datetime) -> DataExport | None:
    """The holder's own export, with its file, while it is offered."""
    return session.scalar(select(DataExport).options(undefer(DataExport.content)).where(
        DataExport.account_id == account.id, DataExport.status == ExportStatus.READY,
        DataExport.expires_at > now))
