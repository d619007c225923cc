"""A registrant driving the journey through the test client, as a browser would."""

from __future__ import annotations

import pytest

from absher_web.services.captcha import CaptchaPolicy, answer_for
from tests.pages import parse

STRONG_PASSWORD = "Qm7rTz4wLp"


def field_error(response, field_id: str) -> str | None:
    message = parse(response).find(id=f"{field_id}-error")
    if message is None:
        return None
    return message.get_text(" ", strip=True).split(":", 1)[-1].strip()


class Registrant:
    def __init__(self, app, client, national_id: str, lang: str = "en") -> None:
        self.app, self.client, self.national_id, self.lang = app, client, national_id, lang
        self.form_page = None

    def open_form(self):
        self.form_page = self.client.get(f"/{self.lang}/register")
        assert self.form_page.status_code == 200
        return self.form_page

    def hidden(self, name: str, page=None) -> str:
        soup = parse(page or self.form_page)
        return soup.find("input", attrs={"name": name})["value"]

    def visual_code_answer(self, token: str) -> str:
        return answer_for(CaptchaPolicy(self.app.config["SECRET_KEY"]), token)

    def details(self, **overrides) -> dict:
        token = self.hidden("captcha_token")
        data = {
            "csrf_token": self.hidden("csrf_token"),
            "national_id": self.national_id,
            "mobile": "0551234567",
            "username": "Abshertest1",
            "password": STRONG_PASSWORD,
            "confirm_password": STRONG_PASSWORD,
            "email": "sarah@example.com",
            "confirm_email": "sarah@example.com",
            "preferred_language": "en",
            "captcha_token": token,
            "captcha_answer": self.visual_code_answer(token),
            "accept_terms": "y",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def submit(self, htmx: bool = False, **overrides):
        if self.form_page is None:
            self.open_form()
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.post(f"/{self.lang}/register", data=self.details(**overrides),
                                    headers=headers)
        if response.status_code == 422:
            self.form_page = response  # a fresh visual code comes with the errors
        return response

    def code_page(self):
        return self.client.get(f"/{self.lang}/register/code")

    def enter_code(self, code: str, htmx: bool = False):
        page = self.code_page()
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(
            f"/{self.lang}/register/code",
            data={"csrf_token": self.hidden("csrf_token", page), "code": code},
            headers=headers,
        )

    def resend(self, htmx: bool = False):
        page = self.code_page()
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(f"/{self.lang}/register/code/resend",
                                data={"csrf_token": self.hidden("csrf_token", page)},
                                headers=headers)


@pytest.fixture
def registrant(app, client, make_person) -> Registrant:
    return Registrant(app, client, make_person())
