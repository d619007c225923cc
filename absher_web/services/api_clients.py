"""Banks and kiosk operators that call the activation API, and their signing keys.

Keys are shown once, when created, and kept encrypted with Fernet: checking an
HMAC needs the key itself, so it cannot be stored as a one-way hash.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web import signing
from absher_web.models import ApiClient, ApiClientKind, ApiRequest

log = logging.getLogger(__name__)

CODE_PATTERN = signing.CLIENT_CODE  # the form in the OpenAPI document


class ClientError(Exception):
    """The command cannot be carried out; the message says why."""


def key_cipher(encryption_keys: str | None, secret_key: str) -> MultiFernet:
    """The cipher for stored keys: the configured Fernet keys, or one derived from SECRET_KEY.

    Several comma-separated keys allow rotation: the first encrypts, any decrypts.
    """
    if encryption_keys:
        keys = [Fernet(key.strip().encode()) for key in encryption_keys.split(",") if key.strip()]
    else:
        derived = hashlib.sha256(b"absher-api-keys:" + secret_key.encode()).digest()
        keys = [Fernet(base64.urlsafe_b64encode(derived))]
    return MultiFernet(keys)


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
