"""How a page names a vehicle and its plate: the one rule every template uses (the
globals ``plate_name`` and ``vehicle_name``).

A Saudi plate bears its letters in Arabic and in Latin. An Arabic page names it in Arabic
letters first, with the Latin form beside it (either is what a reader may find written);
an English page in Latin letters, and both only where a page lists the plate's details.
Each form is isolated in its own direction, so the digits stay beside their letters inside
a sentence of the other script. A foreign plate is Latin letters and digits everywhere.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from absher_web.agencies.traffic import plate_forms
from absher_web.localisation import current_language
from absher_web.models import Language, Vehicle
from absher_web.web.flow import ltr

SEPARATOR = " / "  # between the plate's two forms, as the plate itself shows them


def _language() -> Language:
    return Language.ARABIC if current_language() == Language.ARABIC.value else Language.ENGLISH


def _isolated(form: str) -> Markup:
    if any("\u0600" <= ch <= "\u06ff" for ch in form):
        return Markup('<bdi lang="ar" dir="rtl">%s</bdi>') % escape(form)
    return ltr(form)


def plate_forms_shown(vehicle: Vehicle, details: bool = False) -> tuple[str, ...]:
    """The plate's forms this page shows: on an Arabic page, or in ``details``, every
    form, the page's script first; else the page's one."""
    language = _language()
    forms = plate_forms(vehicle, language)
    return forms if details or language is Language.ARABIC else forms[:1]


def plate_name(vehicle: Vehicle, details: bool = False) -> Markup:
    """The plate, marked up for a page."""
    return Markup(SEPARATOR).join(_isolated(form)
                                  for form in plate_forms_shown(vehicle, details))


def stored_plate_name(forms: list[str]) -> Markup:
    """A plate kept as text (Arabic form first, as a document's snapshot holds it), marked
    up for a page: every form, the page's script first."""
    shown = forms if _language() is Language.ARABIC else list(reversed(forms))
    return Markup(SEPARATOR).join(_isolated(form) for form in shown)


def vehicle_name(vehicle: Vehicle, markup: bool = True) -> Markup | str:
    """The make, model and plate, as a sentence names a vehicle; ``markup=False`` for
    where no markup may go (an <option>)."""
    make_model = f"{vehicle.make} {vehicle.model}"
    # TRANSLATORS: How a page names a vehicle. %(vehicle)s is the make and model, e.g.
    # Toyota Camry; %(plate)s is its plate, e.g. A B J 1234 (in Arabic and Latin letters on
    # an Arabic page). Arabic writes its own comma: ،.
    words = _("%(vehicle)s, plate %(plate)s")
    if not markup:
        return words % {"vehicle": make_model,
                        "plate": SEPARATOR.join(plate_forms_shown(vehicle))}
    # The sentence escaped, then filled: Markup % escapes the make and model (ltr does).
    return Markup(escape(words)) % {"vehicle": ltr(make_model), "plate": plate_name(vehicle)}
