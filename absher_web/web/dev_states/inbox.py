"""The inbox: empty, a list with read and unread messages, several pages, after "mark all
as read", one message (in the page's language and in the other), and the header's link
with 0, 1 and more than 99 unread messages. From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from absher_web.forms.common import ConfirmForm
from absher_web.models import InboxMessage, Language
from absher_web.services import inbox, notices
from absher_web.web import inbox as pages
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State, account_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Inbox")
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# message of the inbox.
MESSAGE = _l("A message of the inbox")
# TRANSLATORS: The states gallery for testers (development only): a page's name: the inbox
# link in the header of every signed-in page.
HEADER = _l("The inbox link in the header")


def page_language() -> Language:
    return Language(get_locale().language)


def message(row: int, notice: notices.Notice, hours: int, read: bool = True,
            language: Language | None = None, **values) -> InboxMessage:
    language = language or page_language()
    sent = fx.NOW - timedelta(hours=hours)
    return InboxMessage(
        id=row, public_id=f"Xq7{row:04d}bT2mKp9Lw", account_id=1, topic=notice.purpose,
        body=notices.in_language(notice.text, language, **values), language=language,
        link=notice.link or inbox.LINKS.get(notice.purpose), created_at=sent,
        read_at=sent + timedelta(minutes=30) if read else None)


def messages() -> list[InboxMessage]:
    return [
        message(9, notices.PASSPORT_READY, 2, read=False, request="7031846259",
                city="الرياض" if page_language() is Language.ARABIC else "Riyadh"),
        message(8, notices.REQUEST_REFUSED, 26, read=False, number="5028471937",
                service=_l("New family record for mothers")),
        message(7, notices.BILL_REFUNDED, 50, bill="5000000000017",
                amount="150.00 ر.س" if page_language() is Language.ARABIC else "150.00 SAR"),
        message(6, notices.PASSWORD_CHANGED, 200),
        message(5, notices.ACCOUNT_ACTIVATED, 700),
    ]


def shown_once() -> InboxMessage:
    """A one-time message of a page, kept: a request withdrawn."""
    with_text = message(4, notices.ACCOUNT_ACTIVATED, 800)
    with_text.topic, with_text.link = inbox.PAGE_NOTICE, "my_requests.index"
    with_text.body = str(_l("Your request %(number)s is withdrawn")) % {"number": "4017293842"}
    return with_text


def inbox_list(found=None, older=None, first=True, unread=None, marked=None):
    if found is None:
        found = [*messages(), shown_once()]
    elif found == "read":
        found = [m for m in messages() if m.read_at]
    unread = sum(1 for m in found if m.read_at is None) if unread is None else unread
    return pages.render_list(inbox.Page(found, older), unread, first, marked,
                             sign_out_form=ConfirmForm(formdata=None))


def one_message(other_language=False, link=True):
    language = page_language()
    if other_language:
        language = Language.ENGLISH if language is Language.ARABIC else Language.ARABIC
    found = message(9, notices.PASSPORT_DELIVERED, 2, language=language, request="7031846259",
                    passport="A12345678", until="2036-11-24")
    if not link:
        found.link = None
    return account_page("account/inbox_message.html", message=found,
                        topic_name=pages.topic_name, link=pages.link_of(found),
                        inbox_unread=lambda: 2)


def header(unread: int):
    return account_page("account/my_data.html", person=fx.person(),
                        inbox_unread=lambda: unread)


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of the inbox: nothing was sent to the holder yet.
    State("inbox-empty", GROUP, pages.TITLE, _l("Nothing yet"), partial(inbox_list, [])),
    # TRANSLATORS: states gallery, a state of the inbox: read and unread messages.
    State("inbox-list", GROUP, pages.TITLE, _l("Read and unread messages"), inbox_list),
    # TRANSLATORS: states gallery, a state of the inbox: every message read.
    State("inbox-all-read", GROUP, pages.TITLE, _l("Every message read"),
          partial(inbox_list, "read")),
    # TRANSLATORS: states gallery, a state of the inbox: the first of several pages.
    State("inbox-first-page", GROUP, pages.TITLE, _l("The first of several pages"),
          partial(inbox_list, None, 4, True, 150)),
    # TRANSLATORS: states gallery, a state of the inbox: a later page, with older ones after it.
    State("inbox-later-page", GROUP, pages.TITLE, _l("A page in the middle"),
          partial(inbox_list, None, 4, False)),
    # TRANSLATORS: states gallery, a state of the inbox: a page past the oldest message.
    State("inbox-past-the-end", GROUP, pages.TITLE, _l("Past the oldest message"),
          partial(inbox_list, [], None, False, 0)),
    # TRANSLATORS: states gallery, a state of the inbox: just after "Mark all as read".
    State("inbox-marked", GROUP, pages.TITLE, _l("After Mark all as read"),
          partial(inbox_list, "read", None, True, 0, 2)),
    # TRANSLATORS: states gallery, a state of the inbox: "Mark all as read" found nothing
    # unread (another tab had done it).
    State("inbox-marked-none", GROUP, pages.TITLE, _l("Mark all as read with nothing unread"),
          partial(inbox_list, "read", None, True, 0, 0)),
    # TRANSLATORS: states gallery, a state of one message of the inbox: with a link to the
    # page it is about.
    State("inbox-message", GROUP, MESSAGE, _l("With a link to its page"), one_message),
    # TRANSLATORS: states gallery, a state of one message of the inbox: sent in the other
    # language (the holder changed their language since).
    State("inbox-message-other-language", GROUP, MESSAGE, _l("Sent in the other language"),
          partial(one_message, True)),
    # TRANSLATORS: states gallery, a state of one message of the inbox: about no page.
    State("inbox-message-no-link", GROUP, MESSAGE, _l("About no page"),
          partial(one_message, False, False)),
    # TRANSLATORS: states gallery, a state of the inbox link in the header: nothing unread.
    State("inbox-header-none", GROUP, HEADER, _l("No unread message"), partial(header, 0)),
    # TRANSLATORS: states gallery, a state of the inbox link in the header: one unread.
    State("inbox-header-one", GROUP, HEADER, _l("One unread message"), partial(header, 1)),
    # TRANSLATORS: states gallery, a state of the inbox link in the header: a few unread.
    State("inbox-header-few", GROUP, HEADER, _l("A few unread messages"), partial(header, 3)),
    # TRANSLATORS: states gallery, a state of the inbox link in the header: more than 99
    # unread, shown as 99+.
    State("inbox-header-many", GROUP, HEADER, _l("More than 99 unread messages"),
          partial(header, 150)),
]
