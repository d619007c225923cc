"""Sentences filled from the settings: the values any sentence may name, and plurals.

A sentence never writes a number that a setting or a rule decides: it names it, and
``standing_values`` fills it in. The message catalogue (forms/messages.py), the SMS
catalogue (services/notices.py) and the templates (as ``wording``) all use these:

    %(code_minutes)s           how long an SMS code lasts (ABSHER_OTP_TTL_SECONDS)
    %(sms_pause_minutes)s      how long codes are refused at once after the SMS provider
                               failed too often in a row (ABSHER_SMS_BREAKER_PAUSE_SECONDS)
    %(username_min)s, %(password_min)s   the shortest username and password (passwords.py)
    %(support_number)s, %(support_number_abroad)s   the support lines (content.py)
    %(refusal_reason_max)s     the longest reason an officer may give for a refusal
    %(look_note_max)s          the longest reason an officer may write for opening a record

A sentence whose words change with a number is a ``lazy_plural`` (Arabic has six forms);
it names the number %(count)s, and says which standing value that is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from markupsafe import escape

from absher_web.content import SUPPORT_NUMBER, SUPPORT_NUMBER_ABROAD
from absher_web.passwords import PASSWORD_MIN, USERNAME_MIN
from absher_web.services import staff_looks
from absher_web.services.policies import current_policies

# The longest reason an officer may write when refusing a request (ServiceRequest.note).
REFUSAL_REASON_MAX = 500


@dataclass(frozen=True)
class PluralText:
    """A sentence with a singular and a plural form, translated when it is filled."""

    singular: str
    plural: str
    count: str  # the value (a standing value's name) that picks the form; named %(count)s


def lazy_plural(singular: str, plural: str, count: str) -> PluralText:
    """Marks a plural sentence for the catalogs (a keyword of `flask absher translate`)."""
    return PluralText(singular, plural, count)


def standing_values() -> dict[str, object]:
    """The values any sentence may name, from the current app's settings."""
    return {
        "code_minutes": current_policies().codes.minutes,
        "sms_pause_minutes": current_policies().codes.pause_minutes,
        "username_min": USERNAME_MIN,
        "password_min": PASSWORD_MIN,
        "support_number": SUPPORT_NUMBER,
        "support_number_abroad": SUPPORT_NUMBER_ABROAD,
        "refusal_reason_max": REFUSAL_REASON_MAX,
        "look_note_max": staff_looks.NOTE_MAX,
    }


def fill(text: LazyString | PluralText, values: Mapping[str, object],
         markup: bool = False) -> str:
    """``text`` in the current language, its placeholders filled from ``values``.

    With ``markup`` the result is HTML: the values are escaped unless they are Markup.
    """
    values = dict(values)
    if isinstance(text, PluralText):
        values["count"] = values[text.count]
        template = get_translations().ngettext(text.singular, text.plural, values["count"])
    else:
        template = str(text)
    return escape(template) % values if markup else template % values
