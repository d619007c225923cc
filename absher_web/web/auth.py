"""Signing in (the Absher Individuals page), the SMS code step, and signing out."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required

from absher_web.extensions import db, limiter
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.forms.signin import SignInForm
from absher_web.models import Account, utcnow
from absher_web.services import signin
from absher_web.services.policies import current_policies
from absher_web.web.code_step import CodeStep, Sending
from absher_web.web.flow import go_to, render_step
from absher_web.web.page_cache import prepared_form
from absher_web.web.sessions import SIGNED_OUT_KEY, end_session, start_session
from absher_web.web.sessions import sign_out as sign_out_session

bp = Blueprint("auth", __name__, url_prefix="/<lang_code>/individuals")

FLOW_KEY = "sign_in_flow"
CODE_STEP = CodeStep("auth.code", "auth/code.html", "sign_in_notice")

# What each refusal shows; a lock and a wrong password both leave the form as it was.
REFUSALS = {
    signin.Result.REJECTED: "sign_in_rejected",
    signin.Result.LOCKED: "sign_in_locked",
    signin.Result.NEEDS_RECOVERY: "sign_in_needs_recovery",
}


@bp.route("/login", methods=["GET", "POST"])
@prepared_form("auth/login.html", lambda _query: {
    "form": SignInForm(), "problem": None, "notice": None, "page_has_errors": False},
    notice_key=SIGNED_OUT_KEY)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("account.home"), 303)
    form = SignInForm()
    problem = None
    if form.validate_on_submit():
        attempt = signin.check_password(db.session, current_policies(), form.identifier.data,
                                        form.password.data, utcnow(), request.remote_addr)
        problem = REFUSALS.get(attempt.result)
        if problem is None:
            session[FLOW_KEY] = attempt.flow_id
            return CODE_STEP.after_sending(sending(attempt), attempt.account.mobile)
    notice = session.pop(SIGNED_OUT_KEY, None) if request.method == "GET" else None
    failed = bool(form.errors or problem)
    return render_step("auth/login.html", 422 if failed else 200, form=form,
                       problem=problem, notice=notice)


def pending_account() -> Account | None:
    return signin.account_of_flow(db.session, session.get(FLOW_KEY))


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    account = pending_account()
    if account is None:
        return redirect(url_for(".login"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        result, opened = signin.check_code(
            db.session, current_policies(), account, session[FLOW_KEY], form.code.data,
            utcnow(), request.remote_addr, request.headers.get("User-Agent"),
            current_app.config["GEOIP_DATABASE"])
        if opened is not None:
            start_session(account, opened)
            # The account's preferred language wins from here on.
            return go_to(url_for("account.home", lang_code=account.preferred_language.value))
        form.add_errors({"code": f"code_{result.value}"})
    return CODE_STEP.page(form, account.mobile)


@bp.post("/login/code/resend")
@limiter.limit(lambda: current_app.config["RATELIMIT_RESEND"])
def resend():
    account = pending_account()
    if account is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".login"), 303)
    attempt = signin.send_sign_in_code(db.session, current_policies(), account, session[FLOW_KEY],
                                       utcnow())
    return CODE_STEP.after_sending(sending(attempt, again=True), account.mobile)


def sending(attempt: signin.Attempt, again: bool = False) -> Sending:
    sent = attempt.result is signin.Result.CODE_SENT
    return Sending(None if sent else attempt.result.value, again)


@bp.post("/sign-out")
@login_required
def sign_out():
    if ConfirmForm().validate_on_submit():
        sign_out_session("signed_out")
    return redirect(url_for(".login"), 303)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        signin.sign_out_everywhere(db.session, current_user.account, utcnow(),
                                   request.remote_addr)
        end_session("signed_out_everywhere")
    return redirect(url_for(".login"), 303)
