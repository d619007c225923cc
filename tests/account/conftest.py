"""A citizen signing in through the test client."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.pages import parse


def csrf_of(response) -> str:
    return parse(response).find("input", attrs={"name": "csrf_token"})["value"]


class Citizen:
    def __init__(self, client, account, sms_outbox, lang: str = "en") -> None:
        self.client, self.account, self.sms_outbox, self.lang = client, account, sms_outbox, lang

    def enter_password(self, identifier: str | None = None, password: str = PASSWORD,
                       htmx: bool = False):
        page = self.client.get(f"/{self.lang}/individuals/login")
        return self.client.post(
            f"/{self.lang}/individuals/login",
            data={"csrf_token": csrf_of(page), "identifier": identifier or self.account.username,
                  "password": password},
            headers={"HX-Request": "true"} if htmx else {},
        )

    def enter_code(self, code: str | None = None, htmx: bool = False):
        page = self.client.get(f"/{self.lang}/individuals/login/code")
        return self.client.post(
            f"/{self.lang}/individuals/login/code",
            data={"csrf_token": csrf_of(page),
                  "code": code or self.sms_outbox.last_code(self.account.mobile)},
            headers={"HX-Request": "true"} if htmx else {},
        )

    def sign_in(self):
        assert self.enter_password().status_code == 303
        response = self.enter_code()
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def citizen(client, make_account, sms_outbox) -> Citizen:
    return Citizen(client, make_account(), sms_outbox)
