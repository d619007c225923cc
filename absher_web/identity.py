"""ID/iqama numbers, mobile numbers and digits (pure functions)."""

from __future__ import annotations

# Arabic-Indic (U+0660..) and Eastern Arabic / Persian (U+06F0..) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})


def normalise_digits_only(value: str) -> str:
    """Arabic-Indic and Eastern Arabic digits to ASCII; nothing else changes."""
    return value.translate(_DIGITS)
