"""Nationalities the civil registry knows, by ISO 3166-1 alpha-3 code.

Shown as country names rather than adjectives: an Arabic adjective ("سعودي" /
"سعودية") agrees with the person's gender, which the registry does not hold.
"""

from __future__ import annotations

from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

SAUDI_ARABIA = "SAU"

# The context tells translators each name is a country (as a nationality, or a plate's).
NATIONALITIES: dict[str, LazyString] = {
    SAUDI_ARABIA: lazy_pgettext("country", "Saudi Arabia"),
    # Gulf Cooperation Council
    "ARE": lazy_pgettext("country", "United Arab Emirates"),
    "BHR": lazy_pgettext("country", "Bahrain"),
    "KWT": lazy_pgettext("country", "Kuwait"),
    "OMN": lazy_pgettext("country", "Oman"),
    "QAT": lazy_pgettext("country", "Qatar"),
    # Other Arab countries
    "EGY": lazy_pgettext("country", "Egypt"),
    "IRQ": lazy_pgettext("country", "Iraq"),
    "JOR": lazy_pgettext("country", "Jordan"),
    "LBN": lazy_pgettext("country", "Lebanon"),
    "MAR": lazy_pgettext("country", "Morocco"),
    "PSE": lazy_pgettext("country", "Palestine"),
    "SDN": lazy_pgettext("country", "Sudan"),
    "SYR": lazy_pgettext("country", "Syria"),
    "TUN": lazy_pgettext("country", "Tunisia"),
    "YEM": lazy_pgettext("country", "Yemen"),
    # Asia
    "AFG": lazy_pgettext("country", "Afghanistan"),
    "BGD": lazy_pgettext("country", "Bangladesh"),
    "CHN": lazy_pgettext("country", "China"),
    "IDN": lazy_pgettext("country", "Indonesia"),
    "IND": lazy_pgettext("country", "India"),
    "LKA": lazy_pgettext("country", "Sri Lanka"),
    "NPL": lazy_pgettext("country", "Nepal"),
    "PAK": lazy_pgettext("country", "Pakistan"),
    "PHL": lazy_pgettext("country", "Philippines"),
    "TUR": lazy_pgettext("country", "Türkiye"),
    # Africa
    "ETH": lazy_pgettext("country", "Ethiopia"),
    "KEN": lazy_pgettext("country", "Kenya"),
    "NGA": lazy_pgettext("country", "Nigeria"),
    "UGA": lazy_pgettext("country", "Uganda"),
    # Europe and North America
    "CAN": lazy_pgettext("country", "Canada"),
    "FRA": lazy_pgettext("country", "France"),
    "GBR": lazy_pgettext("country", "United Kingdom"),
    "USA": lazy_pgettext("country", "United States"),
}


def is_known_nationality(code: str) -> bool:
    """True for a code in the table (exact, upper-case ISO alpha-3)."""
    return code in NATIONALITIES


def nationality_name(code: str) -> LazyString | str:
    """The country's name in the current language; the bare code if unknown."""
    return NATIONALITIES.get(code, code)
