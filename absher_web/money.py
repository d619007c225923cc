"""Amounts of money as people read them: from integer halalas to "1,234.50 SAR" or
"1,234.50 ر.س", in the page's own digits (Babel's for the locale). Never a float: the
riyals and halalas are split with integer arithmetic, so every amount is right to the
halala. Templates use the ``money`` global; SMS notices pass ``money(amount)`` as a value.
"""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

HALALAS_PER_RIYAL = 100


def riyals(whole: int) -> int:
    """Whole riyals in halalas (settings name fees in riyals)."""
    return whole * HALALAS_PER_RIYAL


def figure(halalas: int) -> str:
    """The number alone: "1,234.50", "100.00" (always two places, as a bill shows them)."""
    whole, part = divmod(abs(halalas), HALALAS_PER_RIYAL)
    sign = "-" if halalas < 0 else ""
    # Babel groups the whole riyals and writes the locale's digits and decimal sign;
    # the halalas are added as two digits through the same formatter.
    whole_text = format_decimal(whole, format="#,##0")
    part_text = format_decimal(part, format="00")
    point = format_decimal(1.5, format="0.0")[1:-1]  # the locale's decimal sign
    return f"{sign}{whole_text}{point}{part_text}"


def money(halalas: int) -> str:
    # TRANSLATORS: An amount of money in Saudi riyals, e.g. "150.00 SAR"; in Arabic
    # "150.00 ر.س". %(amount)s is the number with its two decimal places.
    return _("%(amount)s SAR", amount=figure(halalas))
