"""The inbox's states in the gallery: each renders in both languages, and the header's link
reads its count as a sentence and shows it as a badge (99+ above 99)."""

from __future__ import annotations

import pytest

from absher_web.web import dev_states
from tests.pages import parse

NAMES = [state.name for state in dev_states.STATES if state.name.startswith("inbox-")]


def test_the_gallery_has_every_state_of_the_inbox():
    assert {"inbox-empty", "inbox-list", "inbox-first-page", "inbox-message",
            "inbox-header-none", "inbox-header-one", "inbox-header-many"} <= set(NAMES)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_inbox_state_renders(client, lang):
    for name in NAMES:
        response = client.get(f"/{lang}/dev/states/{name}")
        assert response.status_code == 200, name
        soup = parse(response)
        assert soup.html["lang"] == lang and len(soup.find_all("h1")) == 1, name
        assert soup.select_one("header a.inbox-link") is not None, name


@pytest.mark.parametrize(("name", "badge", "heard"), [
    ("inbox-header-none", None, "Inbox, no unread message"),
    ("inbox-header-one", "1", "Inbox, 1 unread message"),
    ("inbox-header-few", "3", "Inbox, 3 unread messages"),
    ("inbox-header-many", "99+", "Inbox, more than 99 unread messages"),
])
def test_the_header_link_in_english(client, name, badge, heard):
    link = parse(client.get(f"/en/dev/states/{name}")).select_one("header a.inbox-link")
    shown = link.select_one(".badge")
    assert (shown.get_text() if shown else None) == badge
    assert link.select_one(".visually-hidden").get_text() == heard


def test_a_later_page_links_back_to_the_newest_and_on_to_older(client):
    pager = parse(client.get("/en/dev/states/inbox-later-page")).select_one("nav.pager")
    assert [a.get_text() for a in pager.select("a")] == ["Newest messages", "Older messages"]
    assert pager.select_one("a[rel=next]")["href"] == "/en/account/inbox?before=4"


def test_a_message_in_the_other_language_says_which(client):
    soup = parse(client.get("/en/dev/states/inbox-message-other-language"))
    body = soup.select_one("main .notice p")
    assert body["lang"] == "ar" and body["dir"] == "rtl"
