"""Banks and kiosk operators that call the activation API, and their signing keys.

Keys are shown once, when created, and kept encrypted with Fernet: checking an
HMAC needs the key itself, so it cannot be stored as a one-way hash.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web import signing
from absher_web.models import ApiClient, ApiClientKind, ApiRequest
from absher_web.services import audit

log = logging.getLogger(__name__)

CODE_PATTERN = signing.CLIENT_CODE  # the form in the OpenAPI document


class ClientError(Exception):
    """The command cannot be carried out; the message says why."""


def key_cipher(encryption_keys: str | None, secret_key: str) -> MultiFernet:
    """The cipher for stored keys: the configured Fernet keys, or one derived from SECRET_KEY.

    Several comma-separated keys allow rotation: the first encrypts, any decrypts.
    """
    if encryption_keys:
        keys = [Fernet(key.encode()) for key in key_list(encryption_keys)]
    else:
        derived = hashlib.sha256(b"absher-api-keys:" + secret_key.encode()).digest()
        keys = [Fernet(base64.urlsafe_b64encode(derived))]
    return MultiFernet(keys)


def key_list(encryption_keys: str | None) -> list[str]:
    """The comma-separated Fernet keys of ABSHER_API_KEY_ENCRYPTION_KEY, first one first."""
    return [key.strip() for key in (encryption_keys or "").split(",") if key.strip()]


def encryption_keys(config: Mapping) -> list[str]:
    return key_list(config["API_KEY_ENCRYPTION_KEY"])


def cipher_from_config(config: Mapping) -> MultiFernet:
    return key_cipher(config["API_KEY_ENCRYPTION_KEY"], config["SECRET_KEY"])


def find_client(session: Session, code: str) -> ApiClient | None:
    # Text that cannot be a code never reaches the database (PostgreSQL refuses NUL, and
    # an overlong or odd value has nothing to find).
    if not CODE_PATTERN.fullmatch(code):
        return None
    return session.scalar(select(ApiClient).where(ApiClient.code == code))


def add_client(session: Session, cipher: MultiFernet, code: str, kind: ApiClientKind,
               name: str, now: datetime, replace_key: bool = False) -> tuple[ApiClient, str]:
    """Create a client (or give an existing one a new key); returns it and its new key."""
    code = code.strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise ClientError("The code must be 2 to 20 capital letters or digits, e.g. RJHI.")
    key = signing.new_key()
    ciphertext = cipher.encrypt(key.encode()).decode()
    client = find_client(session, code)
    if client is not None:
        if not replace_key:
            raise ClientError(f"{code} exists already; use --new-key to replace its key.")
        if client.kind is not kind:
            raise ClientError(f"{code} is a {client.kind.value}, not a {kind.value}.")
        client.key_ciphertext, client.key_created_at, client.is_active = ciphertext, now, True
        return client, key
    client = ApiClient(code=code, kind=kind, name=name or code, key_ciphertext=ciphertext,
                       created_at=now, key_created_at=now)
    session.add(client)
    return client, key


def signing_key(cipher: MultiFernet, client: ApiClient) -> str | None:
    """The client's key, or None when it cannot be decrypted (wrong encryption key)."""
    try:
        return cipher.decrypt(client.key_ciphertext.encode()).decode()
    except InvalidToken:
        # Every request from this client will be refused: operators must hear of it.
        log.error("the signing key of %s cannot be decrypted: was "
                  "ABSHER_API_KEY_ENCRYPTION_KEY (or the secret key) changed?", client.code)
        return None


# --- operators' work: listing, disabling, rotating the key-encryption key ------------------

def all_clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.code)))


def set_active(session: Session, code: str, active: bool, now: datetime) -> bool:
    """Enable or disable a client by code; False when it already was so (nothing changes).

    A disabled client's requests are refused like an unknown client's (web/api.py); its
    key is kept, so enabling it again needs no new key. Audited for the operator; the
    caller commits.
    """
    client = find_client(session, code.strip().upper())
    if client is None:
        raise ClientError(f"No bank or kiosk operator has the code {code.strip().upper()!r}.")
    if client.is_active is active:
        return False
    client.is_active = active
    audit.record(session, "client_enabled" if active else "client_disabled", now,
                 by="operator", client=client.code)
    return True


@dataclass
class Rotation:
    rotated: list[str] = field(default_factory=list)  # codes whose key is re-encrypted
    unreadable: list[str] = field(default_factory=list)  # codes no configured key decrypts


def rotate_keys(session: Session, cipher: MultiFernet, now: datetime) -> Rotation:
    """Re-encrypt every stored key with the first encryption key (MultiFernet.rotate).

    Each row is held while it is rewritten, so a key replaced meanwhile (add-bank
    --new-key) is not overwritten with an older one. A key that none of the configured
    keys decrypts is left as it is and named. The caller commits.
    """
    rotation = Rotation()
    clients = session.scalars(select(ApiClient).order_by(ApiClient.code).with_for_update())
    for client in clients:
        try:
            client.key_ciphertext = cipher.rotate(client.key_ciphertext.encode()).decode()
        except InvalidToken:
            rotation.unreadable.append(client.code)
        else:
            rotation.rotated.append(client.code)
    audit.record(session, "api_keys_rotated", now, by="operator",
                 rotated=len(rotation.rotated), unreadable=rotation.unreadable)
    return rotation


# --- one answer per reference -----------------------------------------------------------

def first_answer(session: Session, client_code: str, reference: str) -> ApiRequest | None:
    """The answer already given to this client's reference, if any."""
    return session.scalar(select(ApiRequest).where(ApiRequest.client_code == client_code,
                                                   ApiRequest.reference == reference))


def remember_answer(session: Session, client_code: str, reference: str, body_digest: str,
                    status_code: int, response: dict, now: datetime) -> None:
    """Keep an answer, in the transaction that acted on the request: a repeat gets it."""
    session.add(ApiRequest(client_code=client_code, reference=reference,
                           body_digest=body_digest, status_code=status_code,
                           response=response, created_at=now))
