"""The operators' routine commands: banks and kiosk operators listed, disabled and enabled;
the key-encryption key rotated over every stored key; a locked account unlocked; officers
listed, disabled (their open sessions end at once) and enabled. Each is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, ApiClient, ApiClientKind, AuditEvent, StaffUser, utcnow
from absher_web.services import api_clients
from absher_web.services.lockout import FAILURES_BEFORE_RECOVERY
from tests.account.conftest import Citizen
from tests.activation.conftest import add_caller
from tests.pages import parse
from tests.staff.conftest import Console, add_officer


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def events(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                       .order_by(AuditEvent.id)))


def stored_client(app, code: str) -> ApiClient:
    with app.app_context():
        return db.session.scalars(select(ApiClient).filter_by(code=code)).one()


# --- banks and kiosk operators ---------------------------------------------------------------


def test_list_clients_names_each_with_its_kind_and_status(app):
    empty = invoke(app, "list-clients")
    assert empty.exit_code == 0 and "No banks or kiosk operators yet" in empty.output
    add_caller(app, "RJHI", ApiClientKind.BANK)
    add_caller(app, "KSK1", ApiClientKind.KIOSK)
    invoke(app, "disable-client", "KSK1")

    result = invoke(app, "list-clients")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.strip().splitlines()
    assert header.split() == ["CODE", "KIND", "STATUS", "KEY", "MADE", "NAME"]
    assert [row.split()[:3] for row in rows] == [["KSK1", "kiosk", "disabled"],
                                                 ["RJHI", "bank", "active"]]
    assert "UTC" in rows[0]


def test_a_disabled_client_is_refused_and_enabled_again_with_its_old_key(app, make_account):
    bank = add_caller(app, "RJHI", ApiClientKind.BANK)
    result = invoke(app, "disable-client", "rjhi")
    assert result.exit_code == 0, result.output
    assert "RJHI is disabled" in result.output
    assert stored_client(app, "RJHI").is_active is False

    refused = bank.send(bank.body(make_account()))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "bad_signature"
    [event] = events(app, "client_disabled")
    assert event.detail == {"by": "operator", "client": "RJHI"}
    assert event.staff_user_id is None and event.account_id is None

    again = invoke(app, "disable-client", "RJHI")
    assert again.exit_code == 0 and "already disabled; nothing changed" in again.output
    assert len(events(app, "client_disabled")) == 1

    assert invoke(app, "enable-client", "RJHI").exit_code == 0
    assert bank.send(bank.body(make_account())).status_code == 202
    [event] = events(app, "client_enabled")
    assert event.detail == {"by": "operator", "client": "RJHI"}


@pytest.mark.parametrize("command", ["disable-client", "enable-client"])
def test_an_unknown_client_code_fails_clearly(app, command):
    result = invoke(app, command, "NOPE")
    assert result.exit_code == 1
    assert "No bank or kiosk operator has the code 'NOPE'" in result.output
    assert events(app, "client_disabled") == events(app, "client_enabled") == []


def test_rotate_api_keys_re_encrypts_every_key_with_the_new_key_first(app, make_account):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["API_KEY_ENCRYPTION_KEY"] = old
    bank = add_caller(app, "RJHI", ApiClientKind.BANK)
    kiosk = add_caller(app, "KSK1", ApiClientKind.KIOSK)
    before = stored_client(app, "RJHI").key_ciphertext

    app.config["API_KEY_ENCRYPTION_KEY"] = f"{new},{old}"
    result = invoke(app, "rotate-api-keys")
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 signing key(s)" in result.output
    after = stored_client(app, "RJHI").key_ciphertext
    assert after != before
    # The old key can be dropped now: the new one alone reads every stored key.
    app.config["API_KEY_ENCRYPTION_KEY"] = new
    assert Fernet(new.encode()).decrypt(after.encode()).decode() == bank.key
    assert bank.send(bank.body(make_account())).status_code == 202
    assert kiosk.send(kiosk.body(make_account())).status_code == 201
    [event] = events(app, "api_keys_rotated")
    assert event.detail == {"by": "operator", "rotated": 2, "unreadable": []}


def test_a_key_no_configured_key_decrypts_is_named_not_a_crash(app):
    old, new, lost = (Fernet.generate_key().decode() for _ in range(3))
    app.config["API_KEY_ENCRYPTION_KEY"] = old
    add_caller(app, "RJHI", ApiClientKind.BANK)
    app.config["API_KEY_ENCRYPTION_KEY"] = lost
    add_caller(app, "SNB", ApiClientKind.BANK)
    unreadable = stored_client(app, "SNB").key_ciphertext

    app.config["API_KEY_ENCRYPTION_KEY"] = f"{new},{old}"
    result = invoke(app, "rotate-api-keys")
    assert result.exit_code == 1
    assert "Re-encrypted 1 signing key(s)" in result.output
    assert "1 key(s) could not be decrypted" in result.output and "SNB" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert stored_client(app, "SNB").key_ciphertext == unreadable  # left as it was
    with app.app_context():
        cipher = api_clients.key_cipher(new, "unused")
        assert api_clients.signing_key(cipher, stored_client(app, "RJHI")) is not None
    [event] = events(app, "api_keys_rotated")
    assert event.detail == {"by": "operator", "rotated": 1, "unreadable": ["SNB"]}


def test_rotating_with_one_key_says_so(app):
    add_caller(app, "RJHI", ApiClientKind.BANK)
    result = invoke(app, "rotate-api-keys")
    assert result.exit_code == 0
    assert "Only one encryption key is configured" in result.output


# --- locked accounts -------------------------------------------------------------------------


def lock(app, account: Account, **values) -> None:
    with app.app_context():
        stored = db.session.get(Account, account.id)
        for name, value in values.items():
            setattr(stored, name, value)
        db.session.commit()


def test_unlock_account_lifts_every_lock_and_the_holder_sees_it(app, client, make_account,
                                                                sms_outbox):
    account = make_account()
    lock(app, account, consecutive_failures=0, lockouts=3,
         locked_until=utcnow() + timedelta(hours=2),
         failures_since_recovery=FAILURES_BEFORE_RECOVERY,
         recovery_locked_until=utcnow() + timedelta(minutes=40), recovery_wrong_answers=2)

    result = invoke(app, "unlock-account", "--id", account.national_id)
    assert result.exit_code == 0, result.output
    assert f"The account of ID {account.national_id} is unlocked" in result.output
    assert "sign-in (wrong passwords)" in result.output
    assert "until the password is recovered" in result.output
    assert "password recovery (wrong answers)" in result.output
    with app.app_context():
        stored = db.session.get(Account, account.id)
        assert (stored.consecutive_failures, stored.lockouts, stored.locked_until,
                stored.failures_since_recovery, stored.recovery_locked_until,
                stored.recovery_wrong_answers) == (0, 0, None, 0, None, 0)
    [event] = events(app, "account_unlocked")
    assert event.account_id == account.id and event.staff_user_id is None
    assert event.detail == {"by": "operator",
                            "lifted": ["sign_in", "needs_recovery", "recovery"]}

    Citizen(client, account, sms_outbox).sign_in()
    activity = parse(client.get("/en/account/")).get_text(" ", strip=True)
    assert "Account unlocked by Absher support" in activity, activity


def test_unlocking_an_account_that_is_not_locked_changes_nothing(app, make_account):
    account = make_account()
    arabic_digits = "".join("٠١٢٣٤٥٦٧٨٩"[int(digit)] for digit in account.national_id)
    result = invoke(app, "unlock-account", "--id", arabic_digits)
    assert result.exit_code == 0
    assert f"The account of ID {account.national_id} is not locked; nothing changed" \
        in result.output
    assert events(app, "account_unlocked") == []


def test_unlocking_an_unknown_or_malformed_id_fails_clearly(app, make_person):
    nobody = make_person()
    result = invoke(app, "unlock-account", "--id", nobody)
    assert result.exit_code == 1
    assert f"No account is registered for ID {nobody}" in result.output
    malformed = invoke(app, "unlock-account", "--id", "12345")
    assert malformed.exit_code == 1 and "not a valid ID or iqama number" in malformed.output


# --- officers --------------------------------------------------------------------------------


def test_list_officers_names_each_with_their_status(app):
    assert "No officers yet" in invoke(app, "list-officers").output
    add_officer(app, username="k.alharbi", full_name="Khalid Alharbi", office="Riyadh")
    add_officer(app, username="n.alqahtani", full_name="Noura Alqahtani", office="Jeddah")
    locked = add_officer(app, username="s.alzahrani", full_name="Saad Alzahrani", office="Abha")
    with app.app_context():
        db.session.get(StaffUser, locked.id).locked_until = utcnow() + timedelta(minutes=15)
        db.session.commit()
    invoke(app, "disable-officer", "n.alqahtani")

    result = invoke(app, "list-officers")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.strip().splitlines()
    assert header.split() == ["USERNAME", "STATUS", "ROLES", "CITY", "OFFICE", "NAME"]
    assert rows[0].split()[:2] == ["k.alharbi", "active"] and "Khalid Alharbi" in rows[0]
    assert rows[1].split()[:2] == ["n.alqahtani", "disabled"]
    assert rows[2].split()[:3] == ["s.alzahrani", "locked", "until"] and "UTC" in rows[2]


def test_a_disabled_officers_open_session_ends_at_once(app, client):
    officer = add_officer(app)
    console = Console(client, officer)
    console.sign_in()
    assert client.get("/en/staff/").status_code == 200
    copied = client.get_cookie("absher_session").value

    result = invoke(app, "disable-officer", officer.username)
    assert result.exit_code == 0, result.output
    assert f"Officer {officer.username} is disabled" in result.output
    response = client.get("/en/staff/")
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/sign-in"
    assert console.enter_password().status_code == 422  # refused like a wrong password
    [event] = events(app, "officer_disabled")
    assert event.detail == {"by": "operator", "officer": officer.username}
    assert event.staff_user_id is None

    assert invoke(app, "enable-officer", officer.username).exit_code == 0
    [event] = events(app, "officer_enabled")
    assert event.detail == {"by": "operator", "officer": officer.username}
    # The sessions that were open stay ended; signing in again works.
    other_browser = app.test_client()
    other_browser.set_cookie("absher_session", copied)
    assert other_browser.get("/en/staff/").status_code == 303
    console.sign_in()
    assert client.get("/en/staff/").status_code == 200


@pytest.mark.parametrize("command", ["disable-officer", "enable-officer"])
def test_an_unknown_officer_fails_clearly(app, command):
    result = invoke(app, command, "nobody.here")
    assert result.exit_code == 1
    assert "No officer has the username 'nobody.here'" in result.output


def test_disabling_a_disabled_officer_changes_nothing(app):
    officer = add_officer(app)
    invoke(app, "disable-officer", officer.username)
    again = invoke(app, "disable-officer", officer.username)
    assert again.exit_code == 0 and "already disabled; nothing changed" in again.output
    assert len(events(app, "officer_disabled")) == 1
