"""Username and password rules, and password hashing (pure functions).

One place for each rule: the registration form, the services and the tests
all call these. Each rule returns a message key (see RULE_MESSAGES in the
forms) rather than text, so the words live in the translation catalogues.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import unicodedata
from functools import cache
from importlib import resources

import bcrypt

USERNAME_MIN = 8
USERNAME_MAX = 32
PASSWORD_MIN = 8
# Far above the 64 that OWASP ASVS 6.2.9 asks us to allow; bounds the work per request.
PASSWORD_MAX = 256

_USERNAME_SHAPE = re.compile(r"[A-Za-z0-9]+")


def username_problem(username: str) -> str | None:
    """Why this username breaks the rules, or None. Uniqueness is checked elsewhere."""
    if len(username) < USERNAME_MIN:
        return "username_too_short"
    if len(username) > USERNAME_MAX:
        return "username_too_long"
    if not _USERNAME_SHAPE.fullmatch(username):
        return "username_characters"
    if not ("A" <= username[0] <= "Z"):
        return "username_capital_first"
    if not any(c.isdigit() for c in username) or not any(c.isalpha() for c in username):
        return "username_letters_and_digits"
    return None


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("absher_web").joinpath("data/common_passwords.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def shares_long_run(password: str, username: str) -> bool:
    """True when the password holds a run of the username longer than half of it."""
    if not username:
        return False
    run = len(username) // 2 + 1
    lowered_password, lowered_username = password.casefold(), username.casefold()
    return any(
        lowered_username[start:start + run] in lowered_password
        for start in range(len(lowered_username) - run + 1)
    )


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password breaks the rules, or None."""
    if len(password) < PASSWORD_MIN:
        return "password_too_short"
    if len(password) > PASSWORD_MAX:
        return "password_too_long"
    if not (
        any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
    ):
        return "password_composition"
    most_repeated = max(password.count(c) for c in set(password))
    if most_repeated > len(password) / 2:
        return "password_repeated_character"
    if shares_long_run(password, username):
        return "password_contains_username"
    if password.casefold() in common_passwords():
        return "password_common"
    return None


def _prehash(password: str) -> bytes:
    # SHA-256 first, base64-encoded: bcrypt never sees more than 44 bytes, so
    # long and Arabic passwords are neither truncated nor refused (bcrypt's 72-byte limit).
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")
    return base64.b64encode(hashlib.sha256(normalised).digest())


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))


# A real hash of a random secret: checked against when the account does not exist,
# so an unknown username costs the same time as a wrong password.
@cache
def dummy_hash(rounds: int) -> str:
    return hash_password(base64.b64encode(hashlib.sha256(b"no such account").digest()).decode(),
                         rounds)


def new_session_token() -> str:
    """A fresh per-account session token: changing it ends every session of the account."""
    return secrets.token_urlsafe(32)
