"""The day as the site counts it: Saudi Arabia's, which is the next day from 21:00 UTC.

Tests that write dates into forms or records use this, never date.today() (the machine's
day), or they fail for the three hours a day the two differ."""

from __future__ import annotations

from datetime import date

from absher_web.models import utcnow
from absher_web.services.eservices import local_today


def riyadh_today() -> date:
    return local_today(utcnow())
