"""The inbox is kept for ABSHER_RETAIN_INBOX (365 days by default) from each message's
sending, read or not, then deleted by run-due in batches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import InboxMessage, Language
from absher_web.services import inbox, retention

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def add(app, account, *ages: timedelta) -> None:
    with app.app_context(), db.transaction() as session:
        for age in ages:
            inbox.keep(session, account.id, "passport_notice", f"Absher: {age}.",
                       Language.ENGLISH, NOW - age)


def bodies(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(InboxMessage.body).order_by(InboxMessage.id)))


def test_run_due_deletes_messages_past_a_year_and_keeps_the_rest(app, make_account):
    add(app, make_account(), timedelta(days=366), timedelta(days=400), timedelta(days=364),
        timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
    assert "2 inbox messages" in result.output
    assert bodies(app) == ["Absher: 364 days, 0:00:00.", "Absher: 1:00:00."]


def test_the_period_is_a_setting_and_the_purge_goes_in_batches(app, make_account):
    app.config["RETAIN_INBOX_SECONDS"] = 30 * 86400
    add(app, make_account(), *[timedelta(days=31, minutes=n) for n in range(7)],
        timedelta(days=29))
    policy = retention.RetentionPolicy.from_config(app.config)
    with app.app_context():
        report = retention.purge(db.transaction, policy, NOW, batch=3)
    assert report["inbox messages"] == 7
    assert bodies(app) == ["Absher: 29 days, 0:00:00."]
