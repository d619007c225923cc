"""Security questions: three (question, answer) pairs, and the password when changing them."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, rule
from absher_web.forms.messages import message
from absher_web.services.security_questions import QUESTIONS, answer_problem

PAIRS = (1, 2, 3)


def question_choices() -> list[SelectChoice]:
    # TRANSLATORS: the first, empty option of each security question list.
    return [SelectChoice("", _l("Choose a question")),
            *(SelectChoice(key, text) for key, text in QUESTIONS.items())]


def known_question(_form: Form, field: Field) -> None:
    if field.data and field.data not in QUESTIONS:
        raise ValidationError(message("security_question_required"))


def different_from(*earlier: str) -> Callable[[Form, Field], None]:
    """The question must not repeat one chosen above it (the error goes on the repeat)."""

    def validate(form: Form, field: Field) -> None:
        if field.data and any(field.data == form[name].data for name in earlier):
            raise ValidationError(message("security_question_repeated"))

    return validate


def question_field(earlier: tuple[str, ...]) -> SelectField:
    return SelectField(
        # TRANSLATORS: A form field's label: the list of security questions to choose one from.
        _l("Question"), choices=question_choices(), validate_choice=False,
        validators=[Required("security_question_required"), known_question,
                    different_from(*earlier)],
    )


def answer_field() -> StringField:
    # Not stripped or changed here: the service normalises the answer before hashing it.
    return StringField(_l("Your answer"), validators=[Required("security_answer_required"),
                                                      rule(answer_problem)])


class SecurityQuestionsForm(SiteForm):
    """First setup, straight after the first sign-in."""

    question_1 = question_field(())
    answer_1 = answer_field()
    question_2 = question_field(("question_1",))
    answer_2 = answer_field()
    question_3 = question_field(("question_1", "question_2"))
    answer_3 = answer_field()

    def pairs(self) -> list[tuple[int, SelectField, StringField]]:
        return [(n, self[f"question_{n}"], self[f"answer_{n}"]) for n in PAIRS]

    def answers(self) -> dict[str, str]:
        """Question key -> answer as typed, for the service."""
        return {question.data: answer.data for _, question, answer in self.pairs()}


class ChangeSecurityQuestionsForm(SecurityQuestionsForm):
    """Changing them later: the current password proves it is the owner at the keyboard."""

    # TRANSLATORS: A form field's label.
    password = PasswordField(_l("Your current password"),
                             validators=[Required("security_questions_password_required")])

    @classmethod
    def starting_from(cls, question_keys: list[str]) -> ChangeSecurityQuestionsForm:
        """The form with the current questions chosen (a submission replaces them)."""
        return cls(data={f"question_{n}": key for n, key in zip(PAIRS, question_keys,
                                                                  strict=False)})
