"""Tahseen: the holder's ticket (kind, topic, text), and a Civil Affairs officer's answer.
The rules of sending (how many open tickets) are the service's (services/tahseen.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, RadioField, SelectField, TextAreaField, ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import AttachmentsField, FilesForm, Required, rule
from absher_web.models import TicketKind
from absher_web.services import tahseen

# The officer's two outcomes.
ANSWER, CLOSE = "answer", "close"


def _stripped(value: str | None) -> str | None:
    """One kind of line break (browsers send CR LF), no spaces around the text."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _one_of(values: object, key: str):  # noqa: ANN202 (a rule)
    return rule(lambda value: None if value in values else key)


def _not_too_long(_form: Form, field: Field) -> None:
    if len(field.data or "") > tahseen.TEXT_MAX:
        # TRANSLATORS: A message beside the text of a Tahseen ticket, or an officer's answer.
        # %(num)s is the most characters it may have (2000); %(count)s how many it has.
        raise ValidationError(_("Write at most %(num)s characters: this has %(count)s",
                                num=tahseen.TEXT_MAX, count=len(field.data)))


class TahseenForm(FilesForm):
    # TRANSLATORS: The question above the choice of a Tahseen ticket's kind.
    kind = RadioField(_l("What are you sending?"), validate_choice=False,
                      validators=[_one_of({kind.value for kind in TicketKind},
                                          "tahseen_kind_required")])
    # TRANSLATORS: A form label: the topic of a Tahseen ticket, chosen from a list.
    topic = SelectField(_l("Topic"), validate_choice=False,
                        validators=[_one_of(set(tahseen.TOPICS), "tahseen_topic_required")])
    # TRANSLATORS: A form label: what the holder writes to Civil Affairs.
    text = TextAreaField(_l("Your message"), filters=[_stripped],
                         validators=[Required("tahseen_text_required"), _not_too_long])
    # TRANSLATORS: A form label: a photo or a PDF the holder may send with a Tahseen ticket.
    attachment = AttachmentsField(_l("A file to go with it (if you have one)"),
                                  purpose=tahseen.PURPOSE, max_files=tahseen.ATTACHMENTS_MAX,
                                  required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, str(name))
                             for kind, name in tahseen.KIND_NAMES.items()]
        # TRANSLATORS: The first, empty option of a list to choose from.
        self.topic.choices = [("", _("Choose")),
                              *((key, str(name)) for key, name in tahseen.TOPICS.items())]


class AnswerForm(SiteForm):
    """A Civil Affairs officer answers a ticket, or closes it saying why."""

    # TRANSLATORS: The question above an officer's choice on a Tahseen ticket.
    outcome = RadioField(_l("What do you do with the ticket?"), validate_choice=False,
                         default=ANSWER,
                         validators=[_one_of({ANSWER, CLOSE}, "tahseen_outcome_required")])
    # TRANSLATORS: A form label: the officer's answer to a Tahseen ticket (or why it is
    # closed); the holder reads it.
    text = TextAreaField(_l("Answer"), filters=[_stripped],
                         validators=[Required("tahseen_answer_required"), _not_too_long])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [
            # TRANSLATORS: An officer's choice on a Tahseen ticket.
            (ANSWER, _("Answer the ticket")),
            # TRANSLATORS: An officer's choice on a Tahseen ticket: close it without an answer
            # (a duplicate, nothing Civil Affairs can act on), saying why.
            (CLOSE, _("Close it without an answer, saying why")),
        ]
