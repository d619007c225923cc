"""SMS pumping: a signed-in account cannot make the site text numbers of its choosing."""

from __future__ import annotations

from tests.account.concurrency import at_once, same_browser
from tests.account.conftest import Citizen, csrf_of


def ask_for_code(client, mobile: str):
    page = client.get("/en/account/mobile")
    return client.post("/en/account/mobile", data={"csrf_token": csrf_of(page), "mobile": mobile})


def test_change_of_mobile_sends_few_codes_per_account(client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    before = len(sms_outbox.messages())

    assert ask_for_code(client, "0551234").status_code == 422  # mistyped: not counted
    statuses = [ask_for_code(client, f"05512300{index:02d}").status_code for index in range(5)]

    assert statuses == [303] * 3 + [429] * 2
    assert len(sms_outbox.messages()) - before == 3
    # Another account is not held back by this one.
    other = Citizen(client.application.test_client(), make_account(), sms_outbox)
    other.enter_password()
    other.enter_code()
    assert ask_for_code(other.client, "0551239999").status_code == 303


def test_twenty_changes_of_mobile_at_once_send_no_more_codes_than_the_limit(
        client, make_account, sms_outbox):
    """The per-account limit is taken before the code is sent, so a burst from twenty tabs
    of one browser sends three codes, as one tab after another would."""
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    token = csrf_of(client.get("/en/account/mobile"))
    tabs = same_browser(client.application, client, 20)
    before = len(sms_outbox.messages())

    def ask(tab, index):
        return lambda: tab.post("/en/account/mobile",
                                data={"csrf_token": token, "mobile": f"05512301{index:02d}"})

    answers = at_once([ask(tab, index) for index, tab in enumerate(tabs)])

    assert sorted(answer.status_code for answer in answers) == [303] * 3 + [429] * 17
    assert len(sms_outbox.messages()) - before == 3
