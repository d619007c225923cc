"""Password recovery: every step, its refusals and its code step."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from absher_web.forms.recovery import (
    NewPasswordForm,
    RecoveryStartForm,
    RecoveryStartWithoutVisualCodeForm,
    SecurityQuestionForm,
)
from absher_web.services import security_questions
from absher_web.web import recovery
from absher_web.web.code_step import Sending
from absher_web.web.dev_states.common import (
    BLANK,
    BROKEN,
    EMPTY,
    ENTER_CODE,
    State,
    code_states,
    code_step,
    form_of,
)
from absher_web.web.flow import render_step

# TRANSLATORS: states gallery, a heading: the pages of Forgot password.
RECOVERY = _l("Password recovery")
# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
FORGOT = _l("Forgot password")
QUESTION = _l("Answer a security question")
NEW_PASSWORD = _l("Choose a new password")


def recovery_start(typed=None, problem=None, alternative=False, errors=None):
    form_class = RecoveryStartWithoutVisualCodeForm if alternative else RecoveryStartForm
    form = form_of(form_class, typed, errors)
    status = 422 if form.errors or problem else 200
    return render_step("recovery/start.html", status, form=form, alternative=alternative,
                       problem=problem)


def with_questions(form: SecurityQuestionForm) -> None:
    form.question.choices = [SelectChoice(key, security_questions.question_text(key))
                             for key in list(security_questions.QUESTIONS)[:3]]


def recovery_question(typed=None, errors=None):
    form = form_of(SecurityQuestionForm, typed, errors, prepare=with_questions)
    return render_step("recovery/question.html", 422 if form.errors else 200, form=form,
                       problem=None)


def new_password(typed=None, errors=None):
    form = form_of(NewPasswordForm, typed, errors)
    return render_step("recovery/new_password.html", 422 if form.errors else 200, form=form)


def recovery_problem(reason: str, status: int):
    return render_step("recovery/problem.html", status, reason=reason)


STATES: list[State] = [
    State("recovery", RECOVERY, FORGOT, BLANK, recovery_start),
    State("recovery-without-visual-code", RECOVERY, FORGOT, _l("Without the visual code"),
          partial(recovery_start, alternative=True)),
    State("recovery-empty", RECOVERY, FORGOT, EMPTY, partial(recovery_start, {}), htmx=True),
    State("recovery-no-match", RECOVERY, FORGOT, _l("ID and mobile number do not match"),
          partial(recovery_start, None, "recovery_no_match"), htmx=True),
    State("recovery-expired", RECOVERY, FORGOT, _l("Started again after it expired"),
          partial(recovery_start, None, "recovery_expired")),
    State("recovery-question", RECOVERY, QUESTION, BLANK, recovery_question, htmx=True),
    State("recovery-question-empty", RECOVERY, QUESTION, EMPTY,
          partial(recovery_question, {}), htmx=True),
    # TRANSLATORS: states gallery, a state: the answer to the security question was wrong.
    State("recovery-question-wrong", RECOVERY, QUESTION, _l("Wrong answer"),
          partial(recovery_question, None, {"answer": "answer_wrong"}), htmx=True),
    State("recovery-locked", RECOVERY, _l("Password recovery could not continue"),
          _l("Locked after wrong answers (423)"),
          partial(recovery_problem, "recovery_locked", 423), htmx=True),
    State("recovery-wrong-step", RECOVERY, _l("Password recovery could not continue"),
          _l("A step opened out of turn (409)"),
          partial(recovery_problem, "recovery_wrong_step", 409)),
    *code_states("recovery", RECOVERY, recovery.CODE_STEP, skipped_question=False),
    State("recovery-code-no-questions", RECOVERY, ENTER_CODE,
          # TRANSLATORS: states gallery, a state of the code step: the person has not set security
          # questions.
          _l("No security questions set"),
          partial(code_step, recovery.CODE_STEP, Sending(), skipped_question=True),
          htmx=True),
    State("recovery-new-password", RECOVERY, NEW_PASSWORD, BLANK, new_password, htmx=True),
    State("recovery-new-password-empty", RECOVERY, NEW_PASSWORD, EMPTY,
          partial(new_password, {}), htmx=True),
    State("recovery-new-password-broken", RECOVERY, NEW_PASSWORD, BROKEN,
          partial(new_password, {"password": "password", "confirm_password": "Password1"}),
          htmx=True),
    # TRANSLATORS: states gallery, a state: the last page of a journey, once it has succeeded.
    State("recovery-done", RECOVERY, _l("Password updated successfully"), _l("Done"),
          partial(render_step, "recovery/done.html", 200), htmx=True),
]

