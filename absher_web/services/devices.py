"""Where a holder is signed in: one row per signed-in session.

The session cookie carries a secret; its row is found by the secret's SHA-256 (the
primary key), together with the account, in one read. The row names the device and
browser (read from the User-Agent by ``summary``, a capped string of substrings, never a
regular expression a hostile header could slow), the rough place when a GeoIP file is
configured (ABSHER_GEOIP_DATABASE), first and last seen (written at most once every
DEVICE_SEEN_EVERY_SECONDS), and when it was signed out. A signed-out row opens nothing,
whoever holds a copy of its cookie.

A device is new when the account has signed in before but never with this device and
browser; the first sign-in of an account is not announced (there is no other device to
tell apart). The first row of each device and browser is marked, a partial unique index
keeps that mark to one however many sign-ins arrive at once, and the SMS goes with it:
once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import ScalarSelect, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from absher_web.models import Account, DeviceSession, SmsMessage
from absher_web.services import audit, notices, outbox
from absher_web.text import constant_time_equal

# Only the start of a User-Agent is read: every browser names itself well before this.
USER_AGENT_CAP = 512
PLACE_CAP = 100

# (code, substrings, any of which names it), tried in order: the first match wins.
DEVICES = (
    ("iphone", ("iphone",)),
    ("ipad", ("ipad",)),
    ("android_phone", ("android",)),  # a tablet's User-Agent lacks "mobile": see summary
    ("chromebook", ("cros",)),
    ("windows", ("windows",)),
    ("mac", ("macintosh", "mac os x")),
    ("linux", ("linux", "x11")),
)
BROWSERS = (
    ("edge", ("edg/", "edga/", "edgios/")),
    ("samsung", ("samsungbrowser/",)),
    ("opera", ("opr/", "opera")),
    ("firefox", ("firefox/", "fxios/")),
    ("chrome", ("chrome/", "crios/", "chromium/")),
    ("safari", ("safari/",)),
)
OTHER = "other"

# How each code reads (the Devices page, the security activity, the new-device SMS).
DEVICE_NAMES = {
    # TRANSLATORS: A kind of device a holder signed in from (Devices page, security activity,
    # the new-device SMS).
    "iphone": _l("iPhone"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "ipad": _l("iPad"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "android_phone": _l("Android phone"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "android_tablet": _l("Android tablet"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "chromebook": _l("Chromebook"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "windows": _l("Windows computer"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "mac": _l("Mac computer"),
    # TRANSLATORS: A kind of device a holder signed in from.
    "linux": _l("Linux computer"),
    # TRANSLATORS: A kind of device a holder signed in from, when its User-Agent names none we
    # know.
    OTHER: _l("Unknown device"),
}
BROWSER_NAMES = {
    # TRANSLATORS: A web browser's name (Devices page, security activity, new-device SMS).
    "edge": _l("Microsoft Edge"),
    # TRANSLATORS: A web browser's name.
    "samsung": _l("Samsung Internet"),
    # TRANSLATORS: A web browser's name.
    "opera": _l("Opera"),
    # TRANSLATORS: A web browser's name.
    "firefox": _l("Firefox"),
    # TRANSLATORS: A web browser's name.
    "chrome": _l("Chrome"),
    # TRANSLATORS: A web browser's name.
    "safari": _l("Safari"),
    # TRANSLATORS: A web browser's name, when the User-Agent names none we know.
    OTHER: _l("unknown browser"),
}


def summary(user_agent: str | None) -> tuple[str, str]:
    """(device, browser) codes read from a User-Agent; "other" for what is not known."""
    text = (user_agent or "")[:USER_AGENT_CAP].lower()
    device = next((code for code, marks in DEVICES if any(m in text for m in marks)), OTHER)
    if device == "android_phone" and "mobile" not in text:
        device = "android_tablet"
    browser = next((code for code, marks in BROWSERS if any(m in text for m in marks)), OTHER)
    return device, browser


@lru_cache(maxsize=4)
def _reader(path: str):  # noqa: ANN202 (maxminddb's Reader)
    import maxminddb

    return maxminddb.open_database(path)


def _name(record: dict, key: str, language: str) -> str | None:
    names = (record.get(key) or {}).get("names") or {}
    name = names.get(language)
    return name[:PLACE_CAP] if isinstance(name, str) and name.strip() else None


def place_of(address: str | None, geoip_path: str | None) -> tuple[str | None, str | None]:
    """(English, Arabic) name of the city (else the country) of ``address``, from the GeoIP
    file; (None, None) without a file, for an unknown or private address, or a bad one."""
    if not geoip_path or not address:
        return None, None
    try:
        record = _reader(geoip_path).get(address[:64])
    except (ValueError, TypeError, OSError):
        return None, None
    if not isinstance(record, dict):
        return None, None
    english = _name(record, "city", "en") or _name(record, "country", "en")
    arabic = _name(record, "city", "ar") or _name(record, "country", "ar")
    return english, arabic


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Opened:
    secret: str  # for the cookie only; the database keeps its digest
    row: DeviceSession
    message: SmsMessage | None  # the new-device SMS, queued with the row

    @property
    def new_device(self) -> bool:
        return self.message is not None


def open_session(session: Session, account: Account, user_agent: str | None,
                 address: str | None, now: datetime, geoip_path: str | None) -> Opened:
    """Add the row of a new signed-in session to the caller's transaction, and the
    new-device SMS (queued in the outbox) when it is a new device; the caller commits."""
    device, browser = summary(user_agent)
    place_en, place_ar = place_of(address, geoip_path)
    of_account = DeviceSession.account_id == account.id
    signed_in_before = session.scalar(select(exists().where(of_account)))
    seen_before = signed_in_before and session.scalar(select(exists().where(
        of_account, DeviceSession.device == device, DeviceSession.browser == browser)))
    secret = secrets.token_urlsafe(32)

    def row(first: bool) -> DeviceSession:
        return DeviceSession(id=digest(secret), public_id=secrets.token_urlsafe(16),
                             account_id=account.id, device=device, browser=browser,
                             place_en=place_en, place_ar=place_ar, first_of_device=first,
                             created_at=now, last_seen_at=now)

    first = not seen_before
    if first:
        try:
            with session.begin_nested():
                opened = row(True)
                session.add(opened)
        except IntegrityError:  # the same new device signed in at the same moment
            first = False
    if not first:
        opened = row(False)
        session.add(opened)
    message = None
    if first and signed_in_before:
        opened.new_device = True
        message = notices.queue(session, notices.NEW_DEVICE, account, now,
                                device=DEVICE_NAMES[device], browser=BROWSER_NAMES[browser])
    return Opened(secret, opened, message)


def tell(session: Session, opened: Opened, now: datetime) -> None:
    """After the sign-in's commit: send the new-device SMS, if there is one (run-due sends
    it again if the provider does not take it now)."""
    if opened.message is not None:
        outbox.deliver(session, opened.message, now)


# The largest id an account row can have (a 32-bit column): the counts read with the session
# carry the cookie's id as a parameter, which the database must be able to take.
MAX_ACCOUNT_ID = 2**31 - 1


def signed_in(session: Session, account_id: str, token: str, secret: str,
              along: Mapping[str, Callable[[int], ScalarSelect[int]]] | None = None
              ) -> tuple[Account, DeviceSession, dict[str, int]] | None:
    """The account and session row a cookie names, in one primary-key read, or None when
    the session was signed out, the account's token changed, or anything does not match.

    ``along``: counts of the account's (each a subquery made from its id) read in the same
    query, so what every page asks costs no round trip of its own; they come back by name.
    """
    # ASCII digits only: "²" is a digit to str.isdigit() and not a number to int().
    if not (account_id.isascii() and account_id.isdigit() and len(account_id) <= 10) \
            or int(account_id) > MAX_ACCOUNT_ID or not secret or len(secret) > 100:
        return None
    owner = int(account_id)
    along = along or {}
    found = session.execute(
        select(DeviceSession, *(counted(owner).label(name) for name, counted in along.items()))
        .options(joinedload(DeviceSession.account))
        .where(DeviceSession.id == digest(secret))).first()
    if found is None:
        return None
    row = found[0]
    if row.signed_out_at is not None or row.account_id != owner:
        return None
    if not constant_time_equal(row.account.session_token, token):
        return None
    return row.account, row, {name: found._mapping[name] or 0 for name in along}


def seen(session: Session, row: DeviceSession, now: datetime, every: timedelta) -> None:
    """Move last seen on, at most once every ``every``: one conditional write, however many
    tabs ask at once; commits only when it wrote."""
    if now - row.last_seen_at < every:
        return
    session.execute(update(DeviceSession).where(
        DeviceSession.id == row.id, DeviceSession.last_seen_at < now - every)
        .values(last_seen_at=now).execution_options(synchronize_session=False))
    session.commit()


def _end(session: Session, *conditions: object, now: datetime) -> int:
    # No autoflush: the caller's own changes (a new mobile number a unique index may
    # refuse) reach the database at its commit, where it handles their refusal.
    with session.no_autoflush:
        return session.execute(update(DeviceSession).where(
            DeviceSession.signed_out_at.is_(None), *conditions).values(signed_out_at=now)
            .execution_options(synchronize_session=False)).rowcount


def end_this(session: Session, row_id: str, now: datetime) -> None:
    """This session signed out (or timed out): the row ends; commits."""
    _end(session, DeviceSession.id == row_id, now=now)
    session.commit()


def end_one(session: Session, account: Account, public_id: str, now: datetime,
            client_address: str | None) -> bool:
    """"Sign out this device" on the Devices page: True when it was still signed in (it
    is then signed out, for whoever holds its cookie); commits."""
    ended = _end(session, DeviceSession.account_id == account.id,
                 DeviceSession.public_id == public_id[:40], now=now)
    if ended:
        audit.record(session, "device_signed_out", now, account.id, client_address,
                     signed_out=public_id[:40])
    session.commit()
    return bool(ended)


def end_others(session: Session, account: Account, keep_id: str, now: datetime,
               client_address: str | None) -> int:
    """"Sign out everywhere else": every session of the account but this one; commits."""
    ended = _end(session, DeviceSession.account_id == account.id,
                 DeviceSession.id != keep_id, now=now)
    audit.record(session, "signed_out_elsewhere", now, account.id, client_address,
                 count=ended)
    session.commit()
    return ended


def end_all(session: Session, account_id: int, now: datetime, keep_id: str | None = None
            ) -> int:
    """Every session of the account ends (but ``keep_id``'s, the browser that changed the
    password), in the caller's transaction: a password change, a recovery, a new mobile
    number, "sign out of all devices"; the caller commits."""
    kept = [DeviceSession.id != keep_id] if keep_id else []
    return _end(session, DeviceSession.account_id == account_id, *kept, now=now)


def live(session: Session, account: Account, now: datetime, idle: timedelta,
         lifetime: timedelta, every: timedelta) -> list[DeviceSession]:
    """Where the holder is signed in now, most recently seen first: not signed out, not
    idle past the timeout (last seen is written only every ``every``), not past the
    lifetime."""
    return list(session.scalars(
        select(DeviceSession).where(
            DeviceSession.account_id == account.id, DeviceSession.signed_out_at.is_(None),
            DeviceSession.last_seen_at > now - idle - every,
            DeviceSession.created_at > now - lifetime)
        .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.created_at.desc())
        .limit(100)))


def by_public_ids(session: Session, account_id: int, public_ids: set[str]
                  ) -> dict[str, DeviceSession]:
    if not public_ids:
        return {}
    return {row.public_id: row for row in session.scalars(select(DeviceSession).where(
        DeviceSession.account_id == account_id, DeviceSession.public_id.in_(public_ids)))}


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's session rows, for "Download my data" (no secret nor its digest)."""
    rows = session.scalars(select(DeviceSession).where(DeviceSession.account_id == account.id)
                           .order_by(DeviceSession.created_at))
    return [{"device": row.device, "browser": row.browser,
             "place": row.place_en, "place_ar": row.place_ar,
             "first_seen": row.created_at.isoformat(), "last_seen": row.last_seen_at.isoformat(),
             "signed_out": row.signed_out_at.isoformat() if row.signed_out_at else None,
             "new_device": row.new_device}
            for row in rows]


