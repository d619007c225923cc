"""Forgot password, the seed's 19 steps: ID and mobile with the visual code, a security
question, the SMS code, the new password, and "Password updated successfully"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, redirect, request, session, url_for
from wtforms import SelectChoice

from absher_web.extensions import db, limiter
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.forms.recovery import (
    NewPasswordForm,
    RecoveryStartForm,
    RecoveryStartWithoutVisualCodeForm,
    SecurityQuestionForm,
)
from absher_web.identity import normalise_digits
from absher_web.models import RecoveryFlow, RecoveryStep, utcnow
from absher_web.services import captcha, recovery, security_questions
from absher_web.services.policies import current_policies
from absher_web.web.code_step import CodeStep, Sending
from absher_web.web.flow import render_step, show_next
from absher_web.web.htmx import is_htmx_request
from absher_web.web.page_cache import prepared_form

bp = Blueprint("recovery", __name__, url_prefix="/<lang_code>/recover")

FLOW_KEY = "recovery_id"
CODE_STEP = CodeStep("recovery.code", "recovery/code.html", "recovery_notice")
# The steps' own pages (the code step's is CODE_STEP's).
STEP_ENDPOINTS = {RecoveryStep.QUESTION: ".question", RecoveryStep.NEW_PASSWORD: ".new_password"}


def without_visual_code() -> bool:
    return request.values.get("without_visual_code") == "1"


def submitted_id() -> str:
    return "recover-id:" + normalise_digits(request.form.get("national_id", ""))[:10]


def config_limit(name: str):
    return lambda: current_app.config[name]


def untouched_start(query: dict[str, str]) -> dict:
    alternative = bool(query)  # ?without_visual_code=1
    return {"form": RecoveryStartWithoutVisualCodeForm() if alternative else RecoveryStartForm(),
            "alternative": alternative, "problem": None, "page_has_errors": False}


@bp.route("", methods=["GET", "POST"])
@prepared_form("recovery/start.html", untouched_start,
               variants=({}, {"without_visual_code": "1"}))
@limiter.limit(config_limit("RATELIMIT_RECOVER"), methods=["POST"])
@limiter.limit(config_limit("RATELIMIT_RECOVER_PER_ID"), methods=["POST"], key_func=submitted_id)
@limiter.limit(config_limit("RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE"), methods=["POST"],
               exempt_when=lambda: not without_visual_code())
@limiter.limit(config_limit("RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE_PER_ID"), methods=["POST"],
               key_func=submitted_id, exempt_when=lambda: not without_visual_code())
def start():
    alternative = without_visual_code()
    form = RecoveryStartWithoutVisualCodeForm() if alternative else RecoveryStartForm()
    problem = None
    if form.is_submitted():
        form_ok = form.validate()
        visual_code_ok = True
        if not alternative:
            visual_code_problem = captcha.check_visual_code(
                db.session, current_policies().visual_codes, form.captcha_token.data or "",
                form.captcha_answer.data or "", utcnow())
            visual_code_ok = visual_code_problem is None
            if visual_code_problem and not form.captcha_answer.errors:
                form.add_errors({"captcha_answer": visual_code_problem})
        if form_ok and visual_code_ok:
            outcome = recovery.start(db.session, current_policies(), form.national_id.data,
                                     form.mobile.data, utcnow(), alternative)
            if outcome.flow is not None:
                session[FLOW_KEY] = outcome.flow.id
                return to_step(outcome)
            problem = outcome.error
    expired = request.method == "GET" and request.args.get("expired") == "1"
    failed = bool(form.errors or problem or expired)
    return render_step("recovery/start.html", 422 if failed else 200, form=form,
                       alternative=alternative,
                       problem=problem or ("recovery_expired" if expired else None))


def at_step(expected: RecoveryStep) -> Callable:
    """The view gets this browser's recovery flow if it is at `expected`; otherwise the
    person is sent back to the start (no flow, or one that has ended) or told the step is
    not available."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def with_flow():
            flow = recovery.find_flow(db.session, session.get(FLOW_KEY), utcnow())
            if flow is None or (flow.step is RecoveryStep.DONE
                                and expected is not RecoveryStep.DONE):
                session.pop(FLOW_KEY, None)
                return redirect(url_for(".start", expired=1), 303)
            if flow.step is not expected:
                return render_step("recovery/problem.html", 409, reason="recovery_wrong_step")
            return view(flow)

        return with_flow

    return decorate


def to_step(outcome: recovery.Outcome, again: bool = False):
    """The flow's current step: swapped in place by htmx, or its own page."""
    flow = outcome.flow
    if flow.step is RecoveryStep.CODE:
        sent = outcome.code_sent or outcome.error
        return CODE_STEP.after_sending(Sending(outcome.error, again) if sent else None,
                                       recovery.account_of(db.session, flow).mobile,
                                       skipped_question=flow.question_key is None)
    if not is_htmx_request():
        return redirect(url_for(STEP_ENDPOINTS[flow.step]), 303)
    if flow.step is RecoveryStep.QUESTION:
        return question_step(flow, SecurityQuestionForm(formdata=None), None, 200)
    return render_step("recovery/new_password.html", 200, form=NewPasswordForm(formdata=None))


def question_step(flow: RecoveryFlow, form: SecurityQuestionForm, problem: str | None,
                  status: int):
    account = recovery.account_of(db.session, flow)
    form.question.choices = [SelectChoice(key, security_questions.question_text(key))
                             for key in security_questions.chosen_questions(account)]
    return render_step("recovery/question.html", status, form=form, problem=problem)


@bp.route("/question", methods=["GET", "POST"])
@at_step(RecoveryStep.QUESTION)
def question(flow: RecoveryFlow):
    form = SecurityQuestionForm()
    if form.validate_on_submit():
        outcome = recovery.answer_question(db.session, current_policies(), flow,
                                           form.question.data,
                                           form.answer.data, utcnow(), request.remote_addr)
        if outcome.error == "recovery_locked":
            session.pop(FLOW_KEY, None)
            return render_step("recovery/problem.html", 423, reason="recovery_locked")
        if outcome.error is None or outcome.flow.step is RecoveryStep.CODE:
            return to_step(outcome)
        form.add_errors({outcome.field or "answer": outcome.error})
    return question_step(flow, form, None, 422 if form.errors else 200)


@bp.route("/code", methods=["GET", "POST"])
@at_step(RecoveryStep.CODE)
def code(flow: RecoveryFlow):
    form = CodeForm()
    if form.validate_on_submit():
        outcome = recovery.check_code(db.session, current_policies(), flow, form.code.data,
                                     utcnow())
        if outcome.error is None:
            return to_step(outcome)
        form.add_errors({"code": outcome.error})
    return CODE_STEP.page(form, recovery.account_of(db.session, flow).mobile,
                          skipped_question=flow.question_key is None)


@bp.post("/code/resend")
@limiter.limit(config_limit("RATELIMIT_RESEND"))
@at_step(RecoveryStep.CODE)
def resend(flow: RecoveryFlow):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".start"), 303)
    outcome = recovery.send_code(db.session, current_policies(), flow, utcnow())
    return to_step(outcome, again=True)


@bp.route("/new-password", methods=["GET", "POST"])
@at_step(RecoveryStep.NEW_PASSWORD)
def new_password(flow: RecoveryFlow):
    form = NewPasswordForm()
    if form.validate_on_submit():
        outcome = recovery.set_password(db.session, current_policies(), flow, form.password.data,
                                        utcnow(), request.remote_addr)
        if outcome.error is None:
            return show_next(".done", "recovery/done.html")
        form.add_errors({outcome.field or "password": outcome.error})
    return render_step("recovery/new_password.html", 422 if form.errors else 200, form=form)


@bp.get("/done")
@at_step(RecoveryStep.DONE)
def done(_flow: RecoveryFlow):
    return render_step("recovery/done.html", 200)
