"""ID/iqama check digits, digit normalisation and Saudi mobile numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from absher_web.identity import (
    is_valid_national_id,
    mask_mobile,
    national_id_check_digit,
    normalise_digits,
    normalise_digits_only,
    normalise_mobile,
    person_kind_of,
)
from absher_web.models import PersonKind

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EASTERN_ARABIC = "۰۱۲۳۴۵۶۷۸۹"
# What people put between digit groups: spaces (incl. no-break and thin), the
# hyphens and dashes phones substitute, and the direction marks RTL pages add.
SEPARATORS = [" ", "\u00a0", "\u2009", "\u202f", "\t", "-", "\u2010", "\u2011", "\u2013",
              "\u2014", "\u2212", "\u200f", "\u200e"]

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
first_digit = st.sampled_from("12")


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    first_nine = draw(first_digit) + draw(digits)
    return first_nine + national_id_check_digit(first_nine)


@st.composite
def as_typed(draw: st.DrawFn, ascii_digits: str) -> str:
    """The same number as a person might type it: mixed digit scripts, separators."""
    out = []
    for char in ascii_digits:
        script = draw(st.sampled_from(["0123456789", ARABIC_INDIC, EASTERN_ARABIC]))
        out.append(script[int(char)] if char.isdigit() else char)
        out.append(draw(st.sampled_from(["", "", "", *SEPARATORS])))
    return "".join(out)


# --- National ID / iqama ------------------------------------------------------------


@pytest.mark.parametrize(
    "national_id",
    # Worked by hand with the published rule, not with the code under test.
    ["1000000008", "2000000006", "1012345672", "1087654321", "2123456788"],
)
def test_known_good_ids_are_valid(national_id: str) -> None:
    assert is_valid_national_id(national_id)


@pytest.mark.parametrize(
    "value",
    [
        "1000000007",  # wrong check digit
        "3000000004",  # passes Luhn but 3 is neither citizen nor resident
        "0000000000",  # passes Luhn, starts with 0
        "100000008",  # nine digits
        "10000000080",  # eleven digits
        "10000O0008",  # letter O for zero
        "",
        "١٠٠٠٠٠٠٠٠٨x",
        "１０００００００００８",  # full-width digits are not accepted
    ],
)
def test_bad_ids_are_invalid(value: str) -> None:
    assert not is_valid_national_id(value)


@given(valid_ids())
def test_check_digit_makes_a_valid_id(national_id: str) -> None:
    assert is_valid_national_id(national_id)


@given(valid_ids(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_caught(national_id: str, position: int, shift: int) -> None:
    wrong_digit = str((int(national_id[position]) + shift) % 10)
    mistyped = national_id[:position] + wrong_digit + national_id[position + 1 :]
    assert not is_valid_national_id(mistyped)


@given(valid_ids(), st.data())
def test_typed_ids_with_arabic_digits_and_separators_are_valid(
    national_id: str, data: st.DataObject
) -> None:
    typed = data.draw(as_typed(national_id))
    assert normalise_digits(typed) == national_id
    assert is_valid_national_id(typed)


def test_person_kind_follows_first_digit() -> None:
    assert person_kind_of("1012345672") is PersonKind.CITIZEN
    assert person_kind_of("٢١٢٣٤٥٦٧٨٨") is PersonKind.RESIDENT
    with pytest.raises(ValueError):
        person_kind_of("1012345673")


@pytest.mark.parametrize("first_nine", ["12345678", "1234567890", "12345678x", ""])
def test_check_digit_needs_nine_digits(first_nine: str) -> None:
    with pytest.raises(ValueError):
        national_id_check_digit(first_nine)


# --- Digits ---------------------------------------------------------------------------


def test_both_arabic_digit_sets_become_ascii() -> None:
    assert normalise_digits(ARABIC_INDIC) == "0123456789"
    assert normalise_digits(EASTERN_ARABIC) == "0123456789"
    assert normalise_digits("٠٥٠ - ۱۲۳ ٤٥٦٧") == "0501234567"


def test_digits_only_keeps_separators() -> None:
    # Dates and other fields rely on hyphens surviving this one.
    assert normalise_digits_only("٢٠٢٤-٠١-٣١") == "2024-01-31"


@given(st.text(alphabet="0123456789", max_size=20), st.data())
def test_any_typed_number_normalises_to_its_ascii_digits(
    ascii_digits: str, data: st.DataObject
) -> None:
    typed = data.draw(as_typed(ascii_digits))
    assert normalise_digits(typed) == ascii_digits


# --- Mobile numbers ---------------------------------------------------------------------


MOBILE_FORMATS = ["05{}", "5{}", "+9665{}", "009665{}", "9665{}", "+966 05{}", "(+966) 5{}"]


@given(digits, st.sampled_from(MOBILE_FORMATS), st.data())
def test_every_mobile_format_gives_the_same_e164(
    tail: str, template: str, data: st.DataObject
) -> None:
    typed = data.draw(as_typed(template.format(tail)))
    assert normalise_mobile(typed) == f"+9665{tail}"


@pytest.mark.parametrize(
    "value",
    [
        "0112345678",  # Riyadh landline
        "0412345678",  # wrong prefix
        "+966112345678",  # landline in international form
        "+971501234567",  # UAE mobile
        "0501234567"[:-1],  # nine digits with the 0
        "05012345678",  # eleven digits
        "+96650123456",  # one digit short
        "50123456",  # eight digits
        "05O1234567",  # letter O
        "05-abc-4567",
        "",
        "+",
        "966",
        "05٠١٢٣٤٥٦٧٨",  # eleven once normalised
    ],
)
def test_invalid_mobiles_are_rejected(value: str) -> None:
    assert normalise_mobile(value) is None


@given(digits)
def test_mask_shows_only_the_last_three_digits(tail: str) -> None:
    masked = mask_mobile(f"+9665{tail}")
    assert masked.endswith(tail[-3:])
    # Only the country code, the leading 5 every mobile has, and the last three.
    assert [c for c in masked if c.isdigit()] == list("966" + "5" + tail[-3:])


def test_mask_example() -> None:
    assert mask_mobile("+966501234678") == "+966 5•• ••• 678"
    assert mask_mobile("٠٥٠١٢٣٤٦٧٨") == "+966 5•• ••• 678"
    with pytest.raises(ValueError):
        mask_mobile("+971501234567")
