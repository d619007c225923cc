"""Document numbers: random, signed with a key from the settings, typed any way people
type them (spaces, dashes, Arabic-Indic digits, the QR link), and keys rotated."""

from __future__ import annotations

import pytest

from absher_web.services import issued_documents as docs

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

KEY = [b"first-key"]


def test_a_number_is_16_digits_whose_last_six_sign_the_first_ten():
    number = docs.new_number(KEY)
    assert docs.NUMBER.fullmatch(number)
    assert docs.well_signed(number, KEY)
    assert number[10:] == docs.check_part(KEY[0], number[:10])


def test_numbers_are_random():
    assert len({docs.new_number(KEY) for _ in range(200)}) == 200


def test_any_changed_digit_breaks_the_signature():
    number = docs.new_number(KEY)
    for position in range(16):
        digit = str((int(number[position]) + 1) % 10)
        assert not docs.well_signed(number[:position] + digit + number[position + 1:], KEY)


def test_another_key_does_not_sign_the_same_number():
    assert not docs.well_signed(docs.new_number(KEY), [b"another-key"])


def test_after_rotation_new_numbers_use_the_new_key_and_old_ones_still_check():
    old = docs.new_number(KEY)
    rotated = [b"new-key", *KEY]
    new = docs.new_number(rotated)
    assert docs.well_signed(old, rotated) and docs.well_signed(new, rotated)
    assert not docs.well_signed(new, KEY)


def test_keys_come_from_the_setting_or_from_the_secret_key():
    assert docs.signing_keys({"DOCUMENT_SIGNING_KEYS": "a, b", "SECRET_KEY": "s"}) == [b"a", b"b"]
    derived = docs.signing_keys({"DOCUMENT_SIGNING_KEYS": None, "SECRET_KEY": "s"})
    assert len(derived) == 1 and derived[0] not in (b"s", b"")
    assert derived != docs.signing_keys({"DOCUMENT_SIGNING_KEYS": "", "SECRET_KEY": "t"})


@pytest.mark.parametrize("typed", [
    "1234567890123456", "1234 5678 9012 3456", "1234-5678-9012-3456", " 1234 5678 9012 3456 ",
    "١٢٣٤ ٥٦٧٨ ٩٠١٢ ٣٤٥٦", "۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶", "1234\u00a05678\u20139012\u200f3456",
    "https://absher.example.sa/ar/verify/1234567890123456",
    "HTTPS://ABSHER.EXAMPLE.SA/en/verify/1234-5678-9012-3456?utm=x",
])
def test_every_way_of_typing_reads_the_same_number(typed):
    assert docs.normalised(typed) == "1234567890123456"


@pytest.mark.parametrize("typed", [
    None, "", "123456789012345", "12345678901234567", "1234567890123456\x00", "abcd" * 4,
    "1234567890123456" + " " * 300, "１２３４５６７８９０１２３４５６", "\ud800" * 16,
    "https://absher.example.sa/en/verify/", "12345678901234\u202e56",
])
def test_anything_else_is_not_a_number(typed):
    assert docs.normalised(typed) is None


def test_grouped_for_reading_aloud():
    assert docs.grouped("1234567890123456") == "1234 5678 9012 3456"
