"""The operator commands: add-bank, add-kiosk-operator, atm-simulate, kiosk-simulate,
create-officer."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, ActivationState, ApiClient, StaffUser
from absher_web.passwords import verify_password


def invoke(app, *args: str, input: str | None = None, **env: str):
    return app.test_cli_runner().invoke(args=["absher", *args], env=env or None, input=input)


def printed_key(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_add_bank_prints_the_key_once_and_keeps_it_encrypted(app):
    result = invoke(app, "add-bank", "rjhi", "--name", "Al Rajhi Bank")
    assert result.exit_code == 0, result.output
    key = printed_key(result.output)
    assert len(key) >= 40
    with app.app_context():
        stored = db.session.scalars(select(ApiClient)).one()
        assert (stored.code, stored.kind.value, stored.name) == ("RJHI", "bank", "Al Rajhi Bank")
        assert key not in stored.key_ciphertext

    again = invoke(app, "add-bank", "RJHI")
    assert again.exit_code != 0 and "--new-key" in again.output

    replaced = invoke(app, "add-bank", "RJHI", "--new-key")
    assert replaced.exit_code == 0 and printed_key(replaced.output) != key


def test_a_bad_code_is_refused(app):
    result = invoke(app, "add-bank", "bad code!")
    assert result.exit_code != 0 and "2 to 20 capital letters or digits" in result.output


def test_atm_simulate_signs_and_sends_as_a_bank_would(app, served, make_account):
    account = make_account()
    invoke(app, "add-bank", "RJHI")
    result = invoke(app, "atm-simulate", "--bank", "RJHI", "--id", account.national_id,
                    "--mobile", account.mobile, "--url", served)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("HTTP 202")
    with app.app_context():
        assert db.session.get(Account, account.id).activation_state is ActivationState.PENDING


def test_atm_simulate_with_a_wrong_key_is_refused_by_the_portal(app, served, make_account):
    account = make_account()
    invoke(app, "add-bank", "RJHI")
    result = invoke(app, "atm-simulate", "--bank", "RJHI", "--id", account.national_id,
                    "--mobile", account.mobile, "--url", served, "--key", "not-the-key")
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "bad_signature" in result.output


def test_kiosk_simulate_activates_at_once(app, served, make_account):
    account = make_account()
    invoke(app, "add-kiosk-operator", "KSK1")
    result = invoke(app, "kiosk-simulate", "--operator", "KSK1", "--id", account.national_id,
                    "--mobile", account.mobile, "--url", served)
    assert result.output.startswith("HTTP 201"), result.output
    with app.app_context():
        assert db.session.get(Account, account.id).activation_state is ActivationState.ACTIVE


def test_the_simulator_says_when_the_portal_cannot_be_reached(app):
    invoke(app, "add-bank", "RJHI")
    result = invoke(app, "atm-simulate", "--bank", "RJHI", "--id", "1000000008",
                    "--mobile", "+966550000000", "--url", "http://127.0.0.1:9")
    assert result.exit_code != 0 and "Could not reach" in result.output


def test_create_officer_hashes_the_password_and_refuses_a_weak_one(app):
    result = invoke(app, "create-officer", "officer7", "--name", "Fahad Al-Otaibi",
                    "--office", "Riyadh - Olaya", input="Passports-Desk-77\nPassports-Desk-77\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        officer = db.session.scalars(select(StaffUser)).one()
        assert officer.office == "Riyadh - Olaya"
        assert "Passports-Desk-77" not in officer.password_hash
        assert verify_password("Passports-Desk-77", officer.password_hash)

    weak = invoke(app, "create-officer", "officer8", "--name", "N", "--office", "O",
                  ABSHER_OFFICER_PASSWORD="password")
    assert weak.exit_code != 0 and "not accepted" in weak.output
    duplicate = invoke(app, "create-officer", "officer7", "--name", "N", "--office", "O",
                       ABSHER_OFFICER_PASSWORD="Another-Desk-88")
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output
