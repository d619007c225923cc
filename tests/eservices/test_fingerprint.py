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


def fact(response, label: str) -> str:
    """The value beside ``label`` in the answer's details."""
    term = parse(response).find("dt", string=label)
    assert term is not None, label
    return " ".join(term.find_next_sibling("dd").get_text().split())


def test_fingerprints_read_by_a_kiosk_show_when_and_at_which_kiosk(app, client, make_account,
                                                                    sms_outbox):
    from datetime import timedelta

    from absher_web import dates
    from absher_web.models import ActivationState, ApiClientKind, utcnow
    from tests.activation.conftest import add_caller

    account = make_account()
    kiosk = add_caller(app, "KSK9", ApiClientKind.KIOSK)  # named after its code
    confirmed = (utcnow() - timedelta(hours=20)).replace(microsecond=0)
    activated = kiosk.send(kiosk.body(account, kiosk_id="RUH-MALL-07",
                                      requested_at=confirmed.isoformat()))
    assert activated.status_code == 201, activated.get_data(as_text=True)

    holder = Holder(client, account, sms_outbox)
    holder.sign_in()
    answered = holder.enquire("fingerprint")
    text = answer_text(answered)
    assert "Your fingerprints are recorded." in text
    assert fact(answered, "Self-service kiosk") == "RUH-MALL-07, run by KSK9"
    with app.test_request_context("/en/"):
        assert dates.both(confirmed) in text  # when the holder stood at the kiosk
    assert "Passports office" not in text
    with app.app_context():  # the activation is on record with its kiosk, as an office's is
        from sqlalchemy import select

        from absher_web.extensions import db as database
        from absher_web.models import AuditEvent

        [event] = database.session.scalars(select(AuditEvent).where(
            AuditEvent.account_id == account.id, AuditEvent.kind == "account_activated"))
        assert event.detail == {"channel": "kiosk", "kiosk": "RUH-MALL-07", "operator": "KSK9"}

    # A second kiosk request for the now active account is refused: nothing else recorded.
    again = kiosk.send(kiosk.body(account, kiosk_id="JED-AIRPORT-01"))
    assert again.status_code == 409
    assert "RUH-MALL-07" in answer_text(holder.enquire("fingerprint"))
    with app.app_context():
        from absher_web.extensions import db as database
        from absher_web.models import Account

        assert database.session.get(Account, account.id).activation_state \
            is ActivationState.ACTIVE


def test_the_arabic_answer_names_the_kiosk(app, client, make_account, sms_outbox):
    from absher_web.models import ApiClientKind
    from tests.activation.conftest import add_caller

    account = make_account(language="ar")
    kiosk = add_caller(app, "KSK8", ApiClientKind.KIOSK)
    assert kiosk.send(kiosk.body(account, kiosk_id="DMM-07")).status_code == 201
    holder = Holder(client, account, sms_outbox, lang="ar")
    holder.sign_in()
    answered = holder.enquire("fingerprint")
    assert "بصماتك مسجّلة" in answer_text(answered)
    assert fact(answered, "جهاز الخدمة الذاتية") == "الجهاز DMM-07 التابع لـ KSK8"
