"""Registration: the form, the SMS code step (swapped in place by htmx), and the result."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for

from absher_web.extensions import db, limiter
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.forms.registration import RegistrationForm
from absher_web.models import utcnow
from absher_web.services import captcha, registration
from absher_web.services.policies import current_policies
from absher_web.web.code_step import CodeStep, Sending
from absher_web.web.flow import render_step, show_next
from absher_web.web.page_cache import prepared_form

bp = Blueprint("registration", __name__, url_prefix="/<lang_code>/register")

PENDING_KEY = "registration_id"
DONE_KEY = "registered_username"
CODE_STEP = CodeStep("registration.code", "registration/code.html", "registration_notice")


@bp.route("", methods=["GET", "POST"])
@prepared_form("registration/form.html", lambda _query: {
    "form": RegistrationForm(), "expired": False, "page_has_errors": False})
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def form():
    form = RegistrationForm()
    if form.is_submitted():
        form_ok = form.validate()
        # Every submission spends its visual code, whatever else is wrong with it.
        visual_code_problem = captcha.check_visual_code(
            db.session, current_policies().visual_codes, form.captcha_token.data or "",
            form.captcha_answer.data or "", utcnow())
        if visual_code_problem and not form.captcha_answer.errors:
            form.add_errors({"captcha_answer": visual_code_problem})
        if form_ok and not visual_code_problem:
            application = registration.Application(
                **{name: form[name].data for name in registration.Application.__annotations__}
            )
            outcome = registration.start(db.session, current_policies(), application, utcnow())
            form.add_errors(outcome.errors)
            if outcome.pending is not None:
                session[PENDING_KEY] = outcome.pending.id
                return CODE_STEP.after_sending(Sending(outcome.error), outcome.pending.mobile)
    expired = request.method == "GET" and request.args.get("expired") == "1"
    return render_step("registration/form.html", 422 if form.errors or expired else 200,
                       form=form, expired=expired)


@bp.route("/code", methods=["GET", "POST"])
def code():
    pending = registration.find_pending(db.session, session.get(PENDING_KEY), utcnow())
    if pending is None:
        return redirect(url_for(".form", expired=1 if session.pop(PENDING_KEY, None) else None),
                        303)
    form = CodeForm()
    if form.validate_on_submit():
        outcome = registration.complete(db.session, current_policies(), pending,
                                        form.code.data, utcnow(), request.remote_addr)
        if outcome.account is not None:
            session.pop(PENDING_KEY, None)
            session[DONE_KEY] = outcome.account.username
            return show_next(".done", "registration/done.html",
                             username=outcome.account.username)
        if outcome.error:  # another registration took this username, number or ID
            session.pop(PENDING_KEY, None)
            return render_step("registration/conflict.html", 409, reason=outcome.error)
        form.add_errors(outcome.errors)
    return CODE_STEP.page(form, pending.mobile)


@bp.post("/code/resend")
@limiter.limit(lambda: current_app.config["RATELIMIT_RESEND"])
def resend():
    pending = registration.find_pending(db.session, session.get(PENDING_KEY), utcnow())
    if pending is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".form", expired=1), 303)
    outcome = registration.send_code(db.session, current_policies(), pending, utcnow())
    return CODE_STEP.after_sending(Sending(outcome.error, again=True), pending.mobile)


@bp.get("/done")
def done():
    username = session.get(DONE_KEY)
    if not username:
        return redirect(url_for(".form"), 303)
    return render_step("registration/done.html", 200, username=username)
