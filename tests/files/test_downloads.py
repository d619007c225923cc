"""A stored file leaves the site only to its owner and to officers whose role its purpose
names, as a download that no browser renders; anyone else finds nothing (404)."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import AuditEvent, Upload
from tests.account.conftest import Citizen
from tests.files.conftest import Sender, jpeg, plain_pdf
from tests.staff.conftest import Console, add_officer


def sent_file(sender: Sender, app, content: bytes, name: str) -> Upload:
    assert sender.send((content, name)).status_code == 200
    with app.app_context():
        return db.session.scalars(select(Upload).order_by(Upload.id.desc())).first()


def test_the_owner_downloads_it_as_an_attachment(sender, sample_app):
    upload = sent_file(sender, sample_app, plain_pdf(), "رسالة ‮fdp.exe")
    response = sender.client.get(f"/en/account/files/{upload.public_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D8%B1%D8%B3%D8%A7%D9%84%D8%A9%20fdp.pdf" in disposition
    assert "\u202e" not in disposition
    assert response.data == plain_pdf()


def test_anyone_else_finds_nothing(sender, sample_app, make_account, sms_outbox):
    upload = sent_file(sender, sample_app, jpeg(), "me.jpg")
    url = f"/en/account/files/{upload.public_id}"
    other = Citizen(sample_app.test_client(), make_account(), sms_outbox)
    other.sign_in()
    unknown = other.client.get("/en/account/files/" + "A" * 24)
    assert unknown.status_code == 404
    assert other.client.get(url).status_code == 404
    assert other.client.get("/en/account/files/..%2F..%2Fetc%2Fpasswd").status_code == 404
    # signed out: the sign-in page, never the file
    assert sample_app.test_client().get(url).status_code in (302, 303)


def test_an_officer_of_the_purposes_role_downloads_it_audited(sender, sample_app):
    upload = sent_file(sender, sample_app, jpeg(), "me.jpg")
    officer = add_officer(sample_app, "civil.one", roles=("civil_affairs",), city="الرياض")
    console = Console(sample_app.test_client(), officer)
    console.sign_in()
    response = console.client.get(f"/en/staff/files/{upload.public_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    with sample_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind
                                                           == "file_read_by_staff"))
        assert event.staff_user_id == officer.id and event.account_id == sender.account.id
        assert event.detail["file"] == upload.public_id


def test_an_officer_of_another_role_finds_nothing(sender, sample_app):
    upload = sent_file(sender, sample_app, jpeg(), "me.jpg")
    officer = add_officer(sample_app, "passports.one", roles=("passports",))
    console = Console(sample_app.test_client(), officer)
    console.sign_in()
    assert console.client.get(f"/en/staff/files/{upload.public_id}").status_code == 404
    # nor through the holder's address: an officer never opens the citizens' pages
    assert console.client.get(f"/en/account/files/{upload.public_id}").status_code == 403
    with sample_app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.kind == "file_read_by_staff")) is None


def test_a_citizen_never_opens_the_staff_address(sender, sample_app):
    upload = sent_file(sender, sample_app, jpeg(), "me.jpg")
    assert sender.client.get(f"/en/staff/files/{upload.public_id}").status_code == 403
