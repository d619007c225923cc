"""الاستعلام عن البصمة: the holder sees whether, when and where their fingerprints were
recorded, from the Passports office console's verifications."""

from __future__ import annotations

from absher_web.extensions import db
from absher_web.models import AuditEvent
from tests.eservices.conftest import Holder, answer_text
from tests.pages import parse
from tests.staff.conftest import Console, add_officer


def test_fingerprints_recorded_at_a_passports_office_show_when_and_where(
        app, client, make_account, sms_outbox):
    account = make_account()
    officer = add_officer(app, office="Jeddah Passports")
    console = Console(app.test_client(), officer)
    console.sign_in()
    assert console.activate(account.national_id).status_code in (200, 303)

    holder = Holder(client, account, sms_outbox)
    holder.sign_in()
    page = holder.open("fingerprint")
    assert parse(page).find("h1").get_text(strip=True) == "Fingerprint enquiry"
    assert parse(page).find("section") is None  # no answer before asking

    text = answer_text(holder.enquire("fingerprint"))
    assert "Your fingerprints are recorded." in text
    assert "Jeddah Passports" in text


def test_an_account_activated_at_an_atm_has_no_fingerprints_recorded(holder):
    text = answer_text(holder.enquire("fingerprint"))
    assert "Your fingerprints are not recorded." in text
    assert "visit a Passports office" in text


def test_each_enquiry_is_in_the_holders_security_activity(app, holder):
    holder.enquire("fingerprint")
    home = parse(holder.client.get("/en/account/"))
    assert "Fingerprint enquiry used" in home.find("table").get_text(" ", strip=True)
    with app.app_context():
        kinds = db.session.query(AuditEvent.kind).filter_by(
            account_id=holder.account.id).all()
    assert ("fingerprint_enquiry",) in kinds


def test_the_arabic_page_is_titled_with_the_seed_name(app, client, make_account, sms_outbox):
    from absher_web.models import ActivationState

    holder = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox, lang="ar")
    holder.sign_in()
    page = parse(holder.open("fingerprint"))
    assert page.find("html")["dir"] == "rtl"
    assert page.find("h1").get_text(strip=True) == "الاستعلام عن البصمة"
