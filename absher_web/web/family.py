"""My family (أفراد الأسرة): the holder's family members and the people they sponsor,
from the civil registry, with what the holder may do for each. Only the holder's own
family: the list is built from their ID number, never from anything the request names."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from absher_web.extensions import db
from absher_web.models import FamilyRelation, utcnow
from absher_web.services import family
from absher_web.services.family import Kin
from absher_web.web.guards import require_active_account

bp = Blueprint("family", __name__, url_prefix="/<lang_code>/account/family")

# TRANSLATORS: The name of the page listing the holder's family members and the people they
# sponsor: its heading, title and link in the account menu.
TITLE = _l("My family")
EXPLANATION = _l("Your family members and the people you sponsor are shown here once your "
                 "account is activated. Activate it in one of these ways:")

# How each person is related to the holder: "your wife", "your son"…
KIN_NAMES = {
    Kin.WIFE: lazy_pgettext("family relation", "Wife"),
    Kin.HUSBAND: lazy_pgettext("family relation", "Husband"),
    Kin.SON: lazy_pgettext("family relation", "Son"),
    Kin.DAUGHTER: lazy_pgettext("family relation", "Daughter"),
    # TRANSLATORS: A child (not the holder's own) whose custody is recorded with the holder.
    Kin.CHILD_IN_CUSTODY: lazy_pgettext("family relation", "Child in your custody"),
    Kin.FATHER: lazy_pgettext("family relation", "Father"),
    Kin.MOTHER: lazy_pgettext("family relation", "Mother"),
    Kin.WORKER: lazy_pgettext("family relation", "Sponsored worker"),
    Kin.DOMESTIC_WORKER: lazy_pgettext("family relation", "Sponsored domestic worker"),
    Kin.VISITOR: lazy_pgettext("family relation", "Sponsored visitor"),
}

# How each member of a family record is related to its head.
RELATION_NAMES = {FamilyRelation.WIFE: KIN_NAMES[Kin.WIFE],
                  FamilyRelation.SON: KIN_NAMES[Kin.SON],
                  FamilyRelation.DAUGHTER: KIN_NAMES[Kin.DAUGHTER]}

# The services of services/acting_for.SERVICES, by key, as the page names them.
SERVICE_NAMES = {
    # TRANSLATORS: A service the holder may use for a family member: renewing their national ID
    # card or iqama.
    "id_renewal": _l("Renew the ID or iqama"),
    # TRANSLATORS: A service the holder may use for a family member.
    "passport": _l("Issue or renew the passport"),
    # TRANSLATORS: A service the holder may use for a family member or sponsored worker.
    "exit_reentry_visa": _l("Exit and re-entry visa"),
    # TRANSLATORS: A service the holder may use for their child: registering a newborn.
    "birth_registration": _l("Birth registration"),
    # TRANSLATORS: A service: the family record (سجل الأسرة) the holder holds.
    "family_record": _l("Family record"),
}


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page() -> str:
    found = family.family_of(db.session, current_user.account, utcnow())
    return render_template("account/family.html", family=found, kin_names=KIN_NAMES,
                           service_names=SERVICE_NAMES, relation_names=RELATION_NAMES)
