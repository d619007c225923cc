"""Public decorum violations (مخالفات الذوق العام), the holder's side: their violations
with the item of the regulation in plain words, the fine and the state; one violation's
page, where they pay it through a bill or object to it within the period the rules allow
(ABSHER_DECORUM_OBJECTION_DAYS), and where the committee's decision shows. Another
person's violation number answers 404. The rules are in services/decorum.py."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from absher_web import dates
from absher_web.agencies import decorum as schedule
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.decorum import ObjectionForm
from absher_web.models import DecorumStatus, DecorumViolation, utcnow
from absher_web.services import decorum
from absher_web.services.decorum import Refusal, Refused
from absher_web.services.policies import current_policies
from absher_web.web import my_requests
from absher_web.web.files import takes_files
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

bp = Blueprint("decorum", __name__, url_prefix="/<lang_code>/account/decorum-violations")

# TRANSLATORS: The holder's page of public decorum violations (مخالفات الذوق العام): its
# title, heading and name in the services catalogue.
TITLE = _l("Public decorum violations")
EXPLANATION = _l("Once your account is activated, this service shows the public decorum "
                 "violations recorded against you, to pay or object to. Activate it in one "
                 "of these ways:")
TEMPLATE = "account/decorum.html"
NOTICE_KEY = "decorum_notice"  # what the last action did, for the violation's page

# How each state of a violation reads.
STATUS_NAMES = {
    # TRANSLATORS: The state of a public decorum violation: its fine is not paid.
    DecorumStatus.UNPAID: _l("Not paid"),
    # TRANSLATORS: The state of a public decorum violation: the holder objected, and the
    # objections committee has not decided yet.
    DecorumStatus.OBJECTED: _l("Objection with the committee"),
    # TRANSLATORS: The state of a public decorum violation: its fine is paid.
    DecorumStatus.PAID: _l("Paid"),
    # TRANSLATORS: The state of a public decorum violation: paid, and an objection waits
    # for the committee.
    DecorumStatus.PAID_OBJECTED: _l("Paid, objection with the committee"),
    # TRANSLATORS: The state of a public decorum violation: the committee accepted the
    # holder's objection, so the violation and its fine are cancelled.
    DecorumStatus.CANCELLED: _l("Cancelled after your objection"),
}
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's security activity: an officer recorded a
    # public decorum violation against the holder.
    decorum.RECORDED_AUDIT_KIND: _l("Public decorum violation recorded"),
    # TRANSLATORS: An event in the account's security activity.
    decorum.BILLED_AUDIT_KIND: _l("Bill issued for a public decorum violation"),
    # TRANSLATORS: An event in the account's security activity.
    decorum.PAID_AUDIT_KIND: _l("Public decorum violation paid"),
}


def objection_days() -> int:
    return current_app.config["DECORUM_OBJECTION_DAYS"]


def refusal_text(refused: Refused) -> str:
    """Why the holder cannot pay or object, and what to do."""
    if refused.reason is Refusal.LATE:
        # TRANSLATORS: On a public decorum violation, when the objection period is over.
        # %(date)s is the day it closed (Gregorian and Hijri); %(num)s the days allowed.
        return ngettext("The period to object to this violation closed on %(date)s, "
                        "%(num)s day after it was recorded.",
                        "The period to object to this violation closed on %(date)s, "
                        "%(num)s days after it was recorded.",
                        objection_days(),
                        date=dates.both(refused.closed_at) if refused.closed_at else "")
    if refused.reason is Refusal.OBJECTION_OPEN:
        # TRANSLATORS: On a public decorum violation while the holder's objection waits.
        return _("Your objection to this violation is with the objections committee. The fine "
                 "cannot be paid until it decides; if it rejects the objection, you can pay "
                 "then.")
    if refused.reason is Refusal.PAYMENT_RECEIVED:
        # TRANSLATORS: On a public decorum violation whose bill a bank paid a moment ago.
        return _("The bill of this violation is paid. We are recording the payment and will "
                 "text you once it is done.")
    if refused.reason is Refusal.CANCELLED:
        # TRANSLATORS: On a public decorum violation the committee cancelled.
        return _("This violation was cancelled after your objection: there is nothing to "
                 "pay.")
    if refused.reason is Refusal.DECIDED:
        # TRANSLATORS: On a public decorum violation whose objection was rejected already.
        return _("The objections committee already rejected an objection to this violation, "
                 "so it cannot be objected to again.")
    # TRANSLATORS: On a public decorum violation that is paid already.
    return _("This violation's fine is paid already.")


def render_page(status: int = 200, *, found: list | None = None,
                violation: DecorumViolation | None = None, form=None,  # noqa: ANN001
                refused: Refused | None = None, objections: list | None = None,
                bill=None, now=None, notice: str | None = None, **context):  # noqa: ANN001
    """The list (no ``violation``) or one violation's page, whole or (for htmx) its step."""
    now = now or utcnow()
    days = context.pop("days", None) or objection_days()
    closes = decorum.objection_closes(violation, days) if violation is not None else None
    return render_step(
        TEMPLATE, status, title=TITLE, found=found or [], violation=violation,
        form=form or ObjectionForm(formdata=None), refused=refused, refusal_text=refusal_text,
        objections=objections or [], bill=bill, now=now, closes=closes, notice=notice,
        article_of=schedule.article, status_names=STATUS_NAMES,
        late=Refused(Refusal.LATE, closes), reason_max=decorum.REASON_MAX,
        request_status_names=my_requests.STATUS_NAMES,
        action_form=ConfirmForm(formdata=None), **context)


def _own(number: str) -> DecorumViolation:
    found = decorum.of_holder_by_number(db.session, current_user.account, number)
    if found is None:
        abort(404)
    return found


def _violation_page(violation: DecorumViolation, status: int = 200, **context):
    found = decorum.objections_of(db.session, violation)
    return render_page(status, violation=violation, objections=found,
                       files=decorum.files_of(db.session, found[0]) if found else [],
                       bill=decorum.latest_bill(db.session, violation), **context)


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page():
    return render_page(found=decorum.of_holder(db.session, current_user.account))


@bp.get("/<number>")
@require_active_account(TITLE, EXPLANATION)
def violation_page(number: str):
    return _violation_page(_own(number), notice=session.pop(NOTICE_KEY, None))


@bp.post("/<number>/pay")
@require_active_account(TITLE, EXPLANATION)
def pay(number: str):
    violation = _own(number)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".violation_page", number=number), 303)
    result = decorum.bill(db.session, current_user.account, violation, utcnow(),
                          current_policies().eservices.bill_lifetime, client_address())
    if isinstance(result, Refused):
        return _violation_page(violation, 409, refused=result)
    return redirect(url_for(".violation_page", number=number), 303)


@bp.post("/<number>/object")
@takes_files
@require_active_account(TITLE, EXPLANATION)
def object_to(number: str):
    violation = _own(number)
    form = ObjectionForm()
    if not form.validate_on_submit():
        return _violation_page(violation, 422, form=form)
    result = decorum.object_to(db.session, current_user.account, violation,
                               reason=form.reason.data,
                               attachments=form.attachments.uploads, days=objection_days(),
                               now=utcnow(), client_address=client_address())
    if isinstance(result, Refused):
        return _violation_page(violation, 409, form=form, refused=result)
    session[NOTICE_KEY] = "sent"
    return redirect(url_for(".violation_page", number=number), 303)
