"""Two people racing for the same username or mobile: one account, one clear message."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account
from tests.pages import parse
from tests.registration.conftest import Registrant


@pytest.mark.parametrize("shared", ["username", "mobile"])
def test_two_browsers_racing_get_exactly_one_account(app, make_person, sms_outbox, shared):
    first = Registrant(app, app.test_client(), make_person())
    second = Registrant(app, app.test_client(), make_person("2"))
    first_details = {"username": "Racewinner1", "mobile": "0551111111"}
    second_details = {"username": "Racewinner2", "mobile": "0552222222"}
    second_details[shared] = first_details[shared]

    # Both pass the form before either account exists.
    assert first.submit(**first_details).status_code == 303
    code_one = sms_outbox.last_code()
    assert second.submit(**second_details).status_code == 303
    code_two = sms_outbox.last_code()

    pages = [first.code_page(), second.code_page()]
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def finish(index: int, registrant: Registrant, code: str) -> None:
        token = registrant.hidden("csrf_token", pages[index])
        barrier.wait()
        results[index] = registrant.client.post(
            "/en/register/code", data={"csrf_token": token, "code": code}
        )

    threads = [threading.Thread(target=finish, args=(0, first, code_one)),
               threading.Thread(target=finish, args=(1, second, code_two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in results.values())
    assert statuses == [303, 409]
    [loser] = [response for response in results.values() if response.status_code == 409]
    text = parse(loser).find(attrs={"data-error-summary": True}).get_text()
    expected = {"username": "Someone else registered this username",
                "mobile": "This mobile number was registered to another account"}[shared]
    assert expected in text
    with app.app_context():
        assert len(db.session.scalars(select(Account)).all()) == 1
