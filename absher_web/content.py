"""Page content that is data rather than prose: the services catalogue.

Every name and description is a translatable string (English msgid, Arabic in
translations/ar). The Arabic names follow the list in the source article.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from absher_web.text import normalise_for_matching


@dataclass(frozen=True)
class Service:
    slug: str
    name: LazyString
    description: LazyString
    # Services that act on the person's own records need an activated account.
    needs_active_account: bool


SERVICES: tuple[Service, ...] = (
    Service("my-data", _l("My data"), _l("See the personal information the civil registry holds about you."), True),
)


def search_services(query: str) -> list[Service]:
    """Services whose name or description contains every word of the query."""
    words = normalise_for_matching(query).split()
    if not words:
        return list(SERVICES)
    found = []
    for service in SERVICES:
        haystack = normalise_for_matching(f"{service.name} {service.description}")
        if all(word in haystack for word in words):
            found.append(service)
    return found
