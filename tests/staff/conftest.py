"""An officer (Passports by default; any roles and city), and a driver for the console
through the test client."""

from __future__ import annotations

from absher_web.extensions import db
from absher_web.models import StaffUser, utcnow
from absher_web.services import staff
from tests.account.conftest import csrf_of

OFFICER_PASSWORD = "Vx8kPw3nRt"
# The reason the lookup gave, which each form on its result carries (services/staff_looks.py).
LOOK_REASON = {"look_reason": "holder_at_office"}


def add_officer(app, username: str = "k.alharbi", full_name: str = "Khalid Alharbi",
                office: str = "Riyadh Passports", roles: tuple[str, ...] = ("passports",),
                city: str | None = None) -> StaffUser:
    with app.app_context():
        officer = staff.create_officer(db.session, username, full_name, office, OFFICER_PASSWORD,
                                       app.config["BCRYPT_ROUNDS"], utcnow(), roles=roles,
                                       city=city)
        db.session.commit()
        return officer


class Console:
    """An officer's browser: each POST carries the token from the page it was sent from."""

    def __init__(self, client, officer: StaffUser, lang: str = "en") -> None:
        self.client, self.officer, self.lang = client, officer, lang

    def url(self, path: str = "") -> str:
        return f"/{self.lang}/staff/{path}"

    def enter_password(self, username: str | None = None, password: str = OFFICER_PASSWORD):
        page = self.client.get(self.url("sign-in"))
        return self.client.post(self.url("sign-in"), data={
            "csrf_token": csrf_of(page), "username": username or self.officer.username,
            "password": password})

    def sign_in(self):
        response = self.enter_password()
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    def look_up(self, national_id: str, reason: str = "holder_at_office", note: str = ""):
        """A lookup, with the reason the console asks for (services/staff_looks.py)."""
        page = self.client.get(self.url())
        return self.client.post(self.url(), data={"csrf_token": csrf_of(page),
                                                  "national_id": national_id,
                                                  "look_reason": reason, "look_note": note})

    def activate(self, national_id: str, verified: bool = True):
        data = {"csrf_token": csrf_of(self.client.get(self.url())), "national_id": national_id,
                **LOOK_REASON}
        if verified:
            data["fingerprints_verified"] = "y"
        return self.client.post(self.url("activate"), data=data)

    def unlock(self, national_id: str, verified: bool = True):
        data = {"csrf_token": csrf_of(self.client.get(self.url())), "national_id": national_id,
                **LOOK_REASON}
        if verified:
            data["fingerprints_verified"] = "y"
        return self.client.post(self.url("unlock"), data=data)

    def change_mobile(self, national_id: str, mobile: str, verified: bool = True):
        """The first step: the new number, after the fingerprints are verified."""
        data = {"csrf_token": csrf_of(self.client.get(self.url())), "national_id": national_id,
                "mobile": mobile, **LOOK_REASON}
        if verified:
            data["fingerprints_verified"] = "y"
        return self.client.post(self.url("mobile"), data=data)

    def enter_holder_code(self, code: str):
        """The second step: the code the holder reads out."""
        page = self.client.get(self.url("mobile/code"))
        return self.client.post(self.url("mobile/code"),
                                data={"csrf_token": csrf_of(page), "code": code})

    def send_new_code(self):
        page = self.client.get(self.url("mobile/code"))
        return self.client.post(self.url("mobile/code/resend"),
                                data={"csrf_token": csrf_of(page)})

    def open_case(self, path: str, reason: str = "deciding_request", note: str = ""):
        """A request of a queue (``path`` under /<lang>/staff/), once the officer says why
        they open it: the case page."""
        page = self.client.get(self.url(path))
        opened = self.client.post(self.url(path), data={
            "csrf_token": csrf_of(page), "look_reason": reason, "look_note": note})
        assert opened.status_code == 303, opened.get_data(as_text=True)[:500]
        return self.client.get(self.url(path))

    def sign_out(self):
        token = csrf_of(self.client.get(self.url()))
        return self.client.post(self.url("sign-out"), data={"csrf_token": token})
