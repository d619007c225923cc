"""My requests (طلباتي): every request of the holder with its state (submitted, under
review, approved, refused with the reason, delivered, withdrawn), a link to its service's
page, and the withdrawal of one still open, after a confirmation. Only the holder's own:
another's request number answers 404, whether it exists or not."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.models import RequestStatus, ServiceRequest, utcnow
from absher_web.services import issued_documents, requests
from absher_web.web import inbox
from absher_web.web.guards import signed_in_only

bp = Blueprint("my_requests", __name__, url_prefix="/<lang_code>/account/requests")

NOTICE_KEY = "my_requests_notice"  # what the last withdrawal did: a key and a number

# TRANSLATORS: The page listing the holder's requests and their states (طلباتي): its
# heading, title and link in the account menu.
TITLE = _l("My requests")

# How each state reads on the page.
STATUS_NAMES = {
    # TRANSLATORS: The state of a holder's request on My requests: received, not decided.
    RequestStatus.SUBMITTED: _l("Submitted"),
    # TRANSLATORS: The state of a holder's request: an officer is looking at it.
    RequestStatus.UNDER_REVIEW: _l("Under review by an officer"),
    # TRANSLATORS: The state of a holder's request on My requests.
    RequestStatus.APPROVED: _l("Approved"),
    # TRANSLATORS: A request's state on My requests: the document (a passport) is printed
    # and waits to be collected or is on its way by post.
    RequestStatus.PRINTED: _l("Printed"),
    # TRANSLATORS: The state of a holder's request on My requests.
    RequestStatus.REFUSED: _l("Refused"),
    # TRANSLATORS: The state of a holder's request: what was asked for was delivered.
    RequestStatus.DELIVERED: _l("Delivered"),
    # TRANSLATORS: The state of a holder's request: the holder withdrew it.
    RequestStatus.CANCELLED: _l("Withdrawn by you"),
}

# How request events read in the holder's security activity (web/account.EVENT_LABELS).
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity.
    "request_submitted": _l("Request sent"),
    # TRANSLATORS: An event in the account's security activity: a request went to an officer.
    "request_under_review": _l("Request sent to an officer"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "request_approved": _l("Request approved"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "request_refused": _l("Request refused"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "request_delivered": _l("Request delivered"),
    # TRANSLATORS: An event in the account's list of recent security activity: the
    # document asked for (a passport) was printed.
    "request_printed": _l("Request printed"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "request_cancelled": _l("Request withdrawn"),
}


def status_name(asked: ServiceRequest) -> object:
    """How the request's state reads: in its service's own word where it has one."""
    kind = requests.KINDS.get(asked.service)
    return (kind.status_names.get(asked.status) if kind else None) \
        or STATUS_NAMES[asked.status]


def render_list(found: list[ServiceRequest], notice: dict | None = None, **context):
    return render_template("account/requests.html", found=found, kinds=requests.KINDS,
                           status_name=status_name, may_withdraw=requests.may_withdraw,
                           notice=notice, **context)


def render_cancel(found: ServiceRequest, **context):
    return render_template("account/request_cancel.html", asked=found, kinds=requests.KINDS,
                           status_name=status_name, form=ConfirmForm(formdata=None),
                           **context)


@bp.get("")
@signed_in_only
def index():
    found = requests.of_holder(db.session, current_user.account)
    return render_list(found, session.pop(NOTICE_KEY, None),
                       documents=issued_documents.of_requests(
                           db.session, current_user.account, [r.number for r in found]),
                       titles=issued_documents.TITLES)


@bp.route("/<number>/withdraw", methods=["GET", "POST"])
@signed_in_only
def withdraw(number: str):
    account = current_user.account
    found = requests.of_holder_by_number(db.session, account, number)
    if found is None:
        abort(404)
    if request.method == "GET":
        if not requests.may_withdraw(found):
            return _told("request_not_open", found)
        return render_cancel(found)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".withdraw", number=number), 303)
    withdrawn = requests.cancel(db.session, found, account, utcnow(), client_address())
    if withdrawn:
        inbox.keep_message("request_withdrawn", "my_requests.index", number=found.number)
    db.session.commit()
    return _told("request_withdrawn" if withdrawn else "request_not_open", found)


def _told(key: str, found: ServiceRequest) -> Response:
    session[NOTICE_KEY] = {"key": key, "number": found.number}
    return redirect(url_for(".index"), 303)
