"""Dates as people in Saudi Arabia read them: Gregorian and Hijri (Umm al-Qura), on the
Riyadh clock (BABEL_DEFAULT_TIMEZONE): a moment stored in UTC at 22:30 is the next day
there, and that is the day shown."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from hijridate import Gregorian

# The day a record is valid on is the day in Saudi Arabia, whatever the server's clock says.
RIYADH = ZoneInfo("Asia/Riyadh")


def local_today(now: datetime | None = None) -> date:
    """The day in the Kingdom at ``now`` (an aware time; this moment when None): from
    21:00 UTC it is already tomorrow there."""
    return (now or datetime.now(UTC)).astimezone(RIYADH).date()


def hijri(day: date) -> str:
    """e.g. "14 جمادى الآخرة 1448 هـ" or "14 Jumada al-Akhirah 1448 AH"."""
    language = "ar" if str(get_locale()) == "ar" else "en"
    converted = Gregorian(day.year, day.month, day.day).to_hijri()
    return (f"{converted.day} {converted.month_name(language)} {converted.year} "
            f"{converted.notation(language)}")


def gregorian(day: date) -> str:
    return format_date(day, "d MMMM y")


def both(day: date | datetime) -> str:
    """Gregorian first, Hijri after: "24 November 2026 (14 Jumada al-Akhirah 1448 AH)"."""
    if isinstance(day, datetime):
        day = to_user_timezone(day).date()
    return f"{gregorian(day)} ({hijri(day)})"


def date_and_time(moment: datetime) -> str:
    """e.g. "25 November 2026, 01:30"; Arabic writes its own comma: "25 نوفمبر 2026، 01:30"."""
    comma = "،" if str(get_locale()) == "ar" else ","
    return format_datetime(moment, f"d MMMM y{comma} HH:mm")


def time_of_day(moment: datetime) -> str:
    """The time on the Riyadh clock, e.g. "13:05" (a receipt's payment time, a bill's expiry)."""
    return format_datetime(moment, "HH:mm")
