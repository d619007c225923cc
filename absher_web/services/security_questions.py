"""Security questions: three chosen after the first sign-in, one asked again in recovery.

Answers are normalised (text.normalise_for_matching: case, spaces, digits, Arabic
letter variants, diacritics) and then hashed like passwords, so a person can type
an answer the way they happen to type it that day, and a copy of the database does
not give the answers away. The question is only ever an extra step, never a
substitute for the SMS code (DESIGN.md, Decisions).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from absher_web import passwords
from absher_web.models import Account, SecurityAnswer
from absher_web.services import audit, signin
from absher_web.text import normalise_for_matching

QUESTIONS_NEEDED = 3
ANSWER_MIN = 2
# Bounds the hashing work per request; no honest answer to these questions is longer.
ANSWER_MAX = 100

# Questions with one stable answer that the person knows and strangers cannot look up.
# Keys are stored with each answer: never rename one, only add new ones.
QUESTIONS = {
    "first_school": _l("What was the name of your first school?"),
    "childhood_street": _l("What is the name of the street you grew up on?"),
    "first_car": _l("What was the make and model of your first car?"),
    "childhood_friend": _l("What is the first name of your closest childhood friend?"),
    "parents_met_city": _l("In which city did your parents meet?"),
    "first_employer": _l("What was the name of the first company you worked for?"),
    "first_teacher": _l("What was the name of your first teacher?"),
    "oldest_cousin": _l("What is the first name of your oldest cousin?"),
    "first_flight_city": _l("To which city did you take your first flight?"),
    "childhood_nickname": _l("What was your nickname as a child?"),
}


def question_text(key: str) -> str:
    return str(QUESTIONS[key])


def needs_questions(account: Account, answers: int | None = None) -> bool:
    """True until the account has its three answers: nothing else opens before that.
    ``answers``: how many it has, when already counted (``answers_counted``)."""
    return (len(account.security_answers) if answers is None else answers) < QUESTIONS_NEEDED


def answers_counted(account_id: int) -> ScalarSelect[int]:
    """How many answers the account has, as a subquery another query carries (the
    signed-in session's, so every page's guard costs no round trip of its own)."""
    return (select(func.count()).select_from(SecurityAnswer)
            .where(SecurityAnswer.account_id == account_id).scalar_subquery())


def answer_problem(answer: str) -> str | None:
    """Why this answer cannot be used (a message key), or None."""
    normalised = normalise_for_matching(answer)
    if not normalised:
        return "security_answer_required"
    if len(normalised) < ANSWER_MIN:
        return "security_answer_too_short"
    if len(normalised) > ANSWER_MAX:
        return "security_answer_too_long"
    return None


def answers_problem(answers: dict[str, str]) -> str | None:
    """Why this set of answers cannot be saved (a message key), or None."""
    if len(answers) != QUESTIONS_NEEDED or not all(key in QUESTIONS for key in answers):
        return "security_question_required"
    for answer in answers.values():
        problem = answer_problem(answer)
        if problem:
            return problem
    return None


def hash_answer(answer: str, rounds: int) -> str:
    return passwords.hash_password(normalise_for_matching(answer), rounds)


def set_answers(session: Session, account: Account, answers: dict[str, str], rounds: int,
                now: datetime, client_address: str | None) -> None:
    """Replace the account's answers with these three (question key -> answer as typed).

    Raises ValueError (with a message key) if the answers break the rules: the
    forms check the same rules first, so this only stops a caller that did not.
    """
    problem = answers_problem(answers)
    if problem:
        raise ValueError(problem)
    account.security_answers.clear()
    # The old rows go first: a question kept from the old set would otherwise
    # meet its own old row in the (account, question) unique constraint.
    session.flush()
    account.security_answers.extend(
        SecurityAnswer(question_key=key, answer_hash=hash_answer(answer, rounds), created_at=now)
        for key, answer in answers.items()
    )
    audit.record(session, "security_questions_set", now, account.id, client_address,
                 questions=sorted(answers))
    session.commit()


def save_answers(session: Session, account: Account, answers: dict[str, str],
                 password: str | None, rounds: int, now: datetime,
                 client_address: str | None) -> str | None:
    """Save the answers, or say why not (a message key for the password field).

    The first set needs no password: the person has just signed in with it and a
    code, and nothing else opens before the answers are set. Changing them later
    needs the password, checked under the sign-in lock rules, so a session left
    open cannot be used to guess it.
    """
    if not needs_questions(account):
        if password is None:  # a first-setup form sent after the answers were set
            return "security_questions_password_wrong"
        check = signin.check_account_password(session, account, password, rounds, now,
                                              client_address)
        problem = signin.password_asked_again_problem(check, "security_questions_password_wrong")
        if problem:
            return problem
    set_answers(session, account, answers, rounds, now, client_address)
    return None


def chosen_questions(account: Account) -> list[str]:
    """The keys of the account's questions, in the order the person chose them."""
    return [answer.question_key
            for answer in sorted(account.security_answers, key=lambda answer: answer.id)]


def check_answer(account: Account, key: str, typed: str) -> bool:
    """True when `typed` matches the account's answer to question `key`."""
    stored = next((answer for answer in account.security_answers
                   if answer.question_key == key), None)
    normalised = normalise_for_matching(typed)
    if stored is None or not normalised or len(normalised) > ANSWER_MAX:
        return False
    return passwords.verify_password(normalised, stored.answer_hash)
