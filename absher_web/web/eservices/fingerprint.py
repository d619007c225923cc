"""الاستعلام عن البصمة: whether and where the holder's fingerprints were recorded."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from absher_web.extensions import client_address, db
from absher_web.models import utcnow
from absher_web.services.eservices import fingerprint
from absher_web.web.eservices.base import EService


def enquire(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"enrolment": fingerprint.enquire(db.session, account, utcnow(), client_address())}


SERVICE = EService(
    slug="fingerprint",
    title=_l("Fingerprint enquiry"),
    summary=_l("Check whether your fingerprints have been recorded."),
    explanation=_l("Once your account is activated, this service shows whether your "
                   "fingerprints are recorded, when, and at which Passports office or "
                   "self-service kiosk. Activate it in one of these ways:"),
    template="eservices/fingerprint.html",
    enquire=enquire,
    # TRANSLATORS: An event in the account's list of recent security activity: the holder used
    # the fingerprint enquiry e-service.
    events={fingerprint.AUDIT_KIND: _l("Fingerprint enquiry used")},
)
