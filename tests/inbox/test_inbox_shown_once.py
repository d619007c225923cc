"""The one-time messages a page shows after a change to the holder's records are kept in
the inbox too, in the language of that page; one a text message told already is not kept
twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import ActivationState, InboxMessage, Language
from absher_web.services import inbox
from tests.account.conftest import Citizen
from tests.account.test_changes import submit
from tests.conftest import PASSWORD
from tests.pages import parse
from tests.requests.test_my_requests import add_request


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


def kept(app) -> list[InboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def test_a_withdrawn_request_is_kept_with_a_link_to_my_requests(app, holder):
    made = add_request(app, holder.account, "a")
    url = f"/ar/account/requests/{made.number}/withdraw"
    response = submit(holder.client, url, {})
    assert response.status_code == 303
    [message] = kept(app)
    assert message.topic == inbox.PAGE_NOTICE and message.language is Language.ARABIC
    assert made.number in message.body and message.link == "my_requests.index"
    # The page showed the same words once.
    shown = parse(holder.client.get("/ar/account/requests")).select_one(".notice").get_text()
    assert shown.strip() == message.body
    # Withdrawing again (decided already) keeps nothing more.
    submit(holder.client, url, {}, page="/ar/account/requests")
    assert len(kept(app)) == 1


def test_a_changed_email_is_kept_and_a_changed_password_only_once(app, holder):
    email = "new.address@example.org"
    assert submit(holder.client, "/en/account/email",
                  {"email": email, "confirm_email": email}).status_code == 303
    [message] = kept(app)
    assert message.body == "Your email address has been changed"
    assert message.link == "account.home"
    assert submit(holder.client, "/en/account/password",
                  {"current_password": PASSWORD, "new_password": "Zx9wVu8tSr",
                   "confirm_new_password": "Zx9wVu8tSr"}).status_code == 303
    topics = [row.topic for row in kept(app)]
    assert topics == [inbox.PAGE_NOTICE, "password_changed_notice"]  # its SMS, not twice
