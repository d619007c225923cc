"""A holder using e-services through the test client, and what a page shows them."""

from __future__ import annotations

import pytest

from absher_web.models import ActivationState
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse


class Holder(Citizen):
    def url(self, slug: str) -> str:
        return f"/{self.lang}/account/services/{slug}"

    def open(self, slug: str):
        return self.client.get(self.url(slug))

    def enquire(self, slug: str, **fields):
        page = self.open(slug)
        assert page.status_code == 200, page.get_data(as_text=True)[:500]
        return self.client.post(self.url(slug), data={"csrf_token": csrf_of(page), **fields})


def answer_text(response) -> str:
    """The answer section of an e-service page, as text."""
    section = parse(response).find("section", attrs={"aria-labelledby": "answer-heading"})
    assert section is not None, response.get_data(as_text=True)[:800]
    return section.get_text(" ", strip=True)


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Holder:
    """A signed-in holder of an active account."""
    person = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    person.sign_in()
    return person
