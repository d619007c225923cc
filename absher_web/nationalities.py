"""Nationalities the civil registry knows, by ISO 3166-1 alpha-3 code.

Shown as country names rather than adjectives: an Arabic adjective ("سعودي" /
"سعودية") agrees with the person's gender, which the registry does not hold.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

SAUDI_ARABIA = "SAU"

NATIONALITIES: dict[str, LazyString] = {
    SAUDI_ARABIA: _l("Saudi Arabia"),
    # Gulf Cooperation Council
    "ARE": _l("United Arab Emirates"),
    "BHR": _l("Bahrain"),
    "KWT": _l("Kuwait"),
    "OMN": _l("Oman"),
    "QAT": _l("Qatar"),
    # Other Arab countries
    "EGY": _l("Egypt"),
    "IRQ": _l("Iraq"),
    "JOR": _l("Jordan"),
    "LBN": _l("Lebanon"),
    "MAR": _l("Morocco"),
    "PSE": _l("Palestine"),
    "SDN": _l("Sudan"),
    "SYR": _l("Syria"),
    "TUN": _l("Tunisia"),
    "YEM": _l("Yemen"),
    # Asia
    "AFG": _l("Afghanistan"),
    "BGD": _l("Bangladesh"),
    "CHN": _l("China"),
    "IDN": _l("Indonesia"),
    "IND": _l("India"),
    "LKA": _l("Sri Lanka"),
    "NPL": _l("Nepal"),
    "PAK": _l("Pakistan"),
    "PHL": _l("Philippines"),
    "TUR": _l("Türkiye"),
    # Africa
    "ETH": _l("Ethiopia"),
    "KEN": _l("Kenya"),
    "NGA": _l("Nigeria"),
    "UGA": _l("Uganda"),
    # Europe and North America
    "CAN": _l("Canada"),
    "FRA": _l("France"),
    "GBR": _l("United Kingdom"),
    "USA": _l("United States"),
}


def is_known_nationality(code: str) -> bool:
    """True for a code in the table (exact, upper-case ISO alpha-3)."""
    return code in NATIONALITIES


def nationality_name(code: str) -> LazyString | str:
    """The country's name in the current language; the bare code if unknown."""
    return NATIONALITIES.get(code, code)
