"""ID/iqama numbers, mobile numbers and digits (pure functions).

People type numbers in Arabic-Indic digits, with spaces and hyphens, or paste
them from pages that add invisible direction marks. Everything here accepts
that and hands back one canonical ASCII form, so the rest of the code compares
like with like.
"""

from __future__ import annotations

import re

from absher_web.models import PersonKind

# Arabic-Indic (U+0660..) and Eastern Arabic / Persian (U+06F0..) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})

# Hyphen-minus, soft hyphen, the U+2010..U+2015 dashes, minus sign, small and
# full-width hyphen-minus: phones and word processors substitute any of them.
_HYPHENS = "\u002d\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# Direction marks and isolates come along when a number is copied from an
# Arabic page; they are invisible, so the person cannot see why it "is wrong".
_DIRECTION_MARKS = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_SEPARATORS = re.compile(rf"[\s{re.escape(_HYPHENS)}{_DIRECTION_MARKS}]+")
_BRACKETS = re.compile(r"[()\[\]{}]")

_NATIONAL_ID = re.compile(r"[12][0-9]{9}")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
# The nine-digit national significant number of a Saudi mobile: 5 and eight digits.
_MOBILE_FORMATS = (
    re.compile(r"\+966(5[0-9]{8})"),
    re.compile(r"00966(5[0-9]{8})"),
    re.compile(r"966(5[0-9]{8})"),
    re.compile(r"0(5[0-9]{8})"),
    re.compile(r"(5[0-9]{8})"),
    # "+966 05..." keeps the domestic trunk 0 after the country code; it is a
    # common slip and cannot mean anything else, so it is accepted.
    re.compile(r"(?:\+|00)?9660(5[0-9]{8})"),
)


def normalise_digits_only(value: str) -> str:
    """Arabic-Indic and Eastern Arabic digits to ASCII; nothing else changes."""
    # ASCII text (most of an import's fields) has none: the check is far cheaper.
    return value if value.isascii() else value.translate(_DIGITS)


def normalise_digits(value: str) -> str:
    """ASCII digits, with spaces, hyphens and invisible direction marks removed."""
    if value.isascii() and value.isdigit():
        return value  # already so: the common case, checked without a regex
    return _SEPARATORS.sub("", normalise_digits_only(value))


# A digit doubled, then its two digits added (the Luhn step): 7 -> 14 -> 5.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def _luhn_total(digits: str) -> int:
    # Luhn counts from the right; with ten digits that doubles positions
    # 1, 3, 5, 7 and 9 from the left, the rule the ministry publishes. String slices
    # and C loops: imports check ten million numbers. ``digits`` are ASCII digits (every
    # caller checks), so the sum of their bytes less 48 ("0") apiece is the sum of the
    # digits, without an int() per digit.
    from_right = digits[::-1]
    return (sum(from_right[::2].encode()) + sum(from_right[1::2].translate(_DOUBLED).encode())
            - 48 * len(digits))


def national_id_check_digit(first_nine: str) -> str:
    """The tenth digit that makes ``first_nine`` a valid ID or iqama number."""
    first_nine = normalise_digits(first_nine)
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError("expected nine digits")
    return luhn_check_digit(first_nine)


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that, put after ``digits``, makes the whole pass the check (IDs, bills)."""
    return str(-_luhn_total(digits + "0") % 10)


def is_valid_national_id(value: str) -> bool:
    """True for a national ID (starts 1) or iqama (starts 2) with a correct check digit."""
    digits = normalise_digits(value)
    return bool(_NATIONAL_ID.fullmatch(digits)) and _luhn_total(digits) % 10 == 0


def person_kind_of(national_id: str) -> PersonKind:
    """Citizen for a national ID, resident for an iqama; ValueError if not valid."""
    if not is_valid_national_id(national_id):
        raise ValueError("not a valid national ID or iqama number")
    if normalise_digits(national_id).startswith("1"):
        return PersonKind.CITIZEN
    return PersonKind.RESIDENT


def normalise_mobile(value: str) -> str | None:
    """A Saudi mobile number in E.164 (+9665XXXXXXXX), or None if it is not one."""
    compact = _BRACKETS.sub("", normalise_digits(value))
    for pattern in _MOBILE_FORMATS:
        match = pattern.fullmatch(compact)
        if match:
            return f"+966{match.group(1)}"
    return None


def mask_mobile(e164: str) -> str:
    """The number with all but the last three digits hidden: "+966 5•• ••• 678".

    The leading 5 is shown because every Saudi mobile has it. The result is
    left-to-right text; templates put it in a dir="ltr" element on Arabic pages.
    """
    mobile = normalise_mobile(e164)
    if mobile is None:
        raise ValueError("not a Saudi mobile number")
    return f"+966 5•• ••• {mobile[-3:]}"
