"""Foreign investor services (خدمات المستثمر الأجنبي): what Absher offers someone the
Ministry of Investment records as an investor, this holder's answer (no licence, a valid
one, an expired one, each with what to do), and the working services that apply to them. A
visitor not signed in reads what the service is and signs in. The answer is
services/investors.py's."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.dates import local_today
from absher_web.extensions import db
from absher_web.models import utcnow
from absher_web.services import investors
from absher_web.services.investors import Eligibility
from absher_web.web.guards import require_active_account

bp = Blueprint("investors", __name__, url_prefix="/<lang_code>/account/investor")

# TRANSLATORS: The name of Foreign investor services (خدمات المستثمر الأجنبي) as its page
# heads it.
TITLE = _l("Foreign investor services")
EXPLANATION = _l("Once your account is activated, this page tells you whether the Ministry of "
                 "Investment records you as an investor, and leads you to the services you "
                 "can use. Activate it in one of these ways:")


def render_signed_out():
    return render_template("public/investors.html", title=TITLE)


def render_page(found: Eligibility, **context):
    return render_template("account/investor.html", title=TITLE, found=found,
                           standing=found.standing.value, services=investors.services(),
                           kind_names=investors.KIND_NAMES, **context)


@bp.get("")
def page():
    if not current_user.is_authenticated:
        return render_signed_out()
    return _holder_page()


@require_active_account(TITLE, EXPLANATION)
def _holder_page():
    return render_page(investors.eligibility(db.session, current_user.account,
                                             local_today(utcnow())))
