"""Per-account limits on changes that text someone, counted before the change is made.

Flask-Limiter's ``deduct_when`` checks the count before the view and records the use after
the answer, so a burst of requests from one holder all pass the check before any is
counted. Here one use is taken first from each of the setting's limits (an atomic count
in the database over a rolling window, services/counters.py), the request is refused
(429, the limit's own words) when any is used up, and the use is given back when the
answer says nothing was done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Response, current_app, make_response, request
from flask_login import current_user
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from absher_web.extensions import db
from absher_web.models import utcnow
from absher_web.services import counters


class AccountLimitReached(TooManyRequests):
    """A per-account limit is used up: the 429 page names ``item``."""

    def __init__(self, item: RateLimitItem) -> None:
        super().__init__()
        self.item = item


def scopes(setting: str, account_id: int) -> list[tuple[str, RateLimitItem, timedelta]]:
    """(counter scope, limit, window) for each limit of ``setting`` (e.g. "3 per hour;10
    per day")."""
    name = setting.removeprefix("RATELIMIT_").lower()[:16]
    found = []
    for item in parse_many(current_app.config[setting]):
        window = timedelta(seconds=item.get_expiry())
        found.append((f"use:{name}:{account_id}:{item.get_expiry()}", item, window))
    return found


def counted_per_account(setting: str, done: Callable[[Response], bool]) -> Callable:
    """Count a signed-in holder's POSTs against ``setting`` before the view runs; the use is
    given back unless ``done(response)`` says the view did what is counted."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def counted(*args, **kwargs):
            if request.method != "POST" or not current_user.is_authenticated:
                return view(*args, **kwargs)
            now = utcnow()
            limits = scopes(setting, current_user.account.id)
            take(limits, now)
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                give_back(limits, now)
                raise
            if not done(response):
                give_back(limits, now)
            return response

        return counted

    return decorate


def take(limits: list[tuple[str, RateLimitItem, timedelta]], now) -> None:  # noqa: ANN001
    """One use from every limit, committed at once (the rows stay locked until then), or
    none: AccountLimitReached, the uses already taken rolled back. On the request's session,
    which holds nothing else yet: one connection per request, as everywhere."""
    session = db.session
    for scope, item, window in limits:
        if not counters.take(session, scope, item.amount, window, now):
            session.rollback()
            raise AccountLimitReached(item)
    session.commit()


def give_back(limits: list[tuple[str, RateLimitItem, timedelta]], now) -> None:  # noqa: ANN001
    session = db.session
    session.rollback()  # whatever the view left unsaved is not kept by this commit
    for scope, _item, window in limits:
        counters.give_back(session, scope, window, now)
    session.commit()
