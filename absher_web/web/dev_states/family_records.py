"""The family record on marriage and the new family record for mothers: each condition
unmet, ready to apply (at once, or through an officer), sent after a condition stopped
being met (422), with an officer, refused by one, and issued; a record's own page; My
family with the record. From fixture data, never stored."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.common import ConfirmForm
from absher_web.models import (
    FamilyRecord,
    FamilyRecordKind,
    FamilyRelation,
    Marriage,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
)
from absher_web.services import family_records as rules
from absher_web.services.family import Family
from absher_web.services.family_records import Check, Checked, Condition, Planned, RecordView
from absher_web.services.family_records import Refusal as R
from absher_web.web import family_records as views
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.account import my_family
from absher_web.web.dev_states.common import State, not_active
from absher_web.web.family import TITLE as MY_FAMILY

MARRIAGE, MOTHER = FamilyRecordKind.MARRIAGE, FamilyRecordKind.MOTHER
# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Family records")


def person(number: str, name_ar: str, name_en: str, born: date) -> Person:
    return Person(national_id=number, kind=PersonKind.CITIZEN, name_ar=name_ar,
                  name_en=name_en, birth_date=born, nationality="SAU",
                  id_expiry=date(2031, 1, 1), city="الرياض", district="حي النخيل")


def mother() -> Person:
    return person("1050198512", "حصة عبدالرحمن ناصر الشهري", "Hessa Abdulrahman Nasser Al-Shehri",
                  date(1985, 10, 2))


def husband_members() -> list[Planned]:
    return [
        Planned(person(DEMO_IDS[1], "نورة فهد خالد القحطاني", "Noura Fahad Khalid Al-Qahtani",
                       date(1995, 4, 2)), FamilyRelation.WIFE),
        Planned(person("1050201605", "سعد محمد عبدالله العتيبي",
                       "Saad Mohammed Abdullah Al-Otaibi", date(2016, 4, 11)),
                FamilyRelation.SON),
        Planned(person("1050202009", "لطيفة محمد عبدالله العتيبي",
                       "Latifa Mohammed Abdullah Al-Otaibi", date(2020, 9, 3)),
                FamilyRelation.DAUGHTER),
    ]


def mother_members() -> list[Planned]:
    return [
        Planned(person("1050201407", "ريم فهد سلطان الغامدي", "Reem Fahad Sultan Al-Ghamdi",
                       date(2014, 5, 20)), FamilyRelation.DAUGHTER),
        Planned(person("1050201704", "خالد فهد سلطان الغامدي", "Khalid Fahad Sultan Al-Ghamdi",
                       date(2017, 11, 8)), FamilyRelation.SON),
    ]


def record_view(kind: FamilyRecordKind) -> RecordView:
    head = fx.person() if kind is MARRIAGE else mother()
    record = FamilyRecord(id=1, number="40917263558", head_id=head.national_id, kind=kind,
                          issued_at=fx.NOW - timedelta(days=2))
    return RecordView(record, head, husband_members() if kind is MARRIAGE else mother_members())


def asked(status: RequestStatus, reason: str | None = None) -> ServiceRequest:
    return ServiceRequest(id=1, number="5028471937", status=status, reason=reason,
                          created_at=fx.NOW, changed_at=fx.NOW)


CONDITIONS = {
    MARRIAGE: (Condition.CITIZEN, Condition.ADULT, Condition.MARRIED, Condition.NO_RECORD),
    MOTHER: (Condition.CITIZEN, Condition.MARRIAGE_ENDED, Condition.CHILDREN,
             Condition.NO_RECORD),
}


def check(kind: FamilyRecordKind, unmet: dict[str, str] | None = None, **values) -> Check:
    unmet = unmet or {}
    conditions = [Checked(condition, unmet.get(condition)) for condition in CONDITIONS[kind]]
    if kind is MARRIAGE and R.NO_MARRIAGE in unmet.values():
        conditions = conditions[:-1]
    members = husband_members() if kind is MARRIAGE else mother_members()
    holder = fx.person() if kind is MARRIAGE else mother()
    marriage = Marriage(id=7, husband_id=holder.national_id, wife_id=DEMO_IDS[1],
                        married_on=date(2015, 1, 22)) if kind is MARRIAGE else None
    return Check(kind, holder, conditions, [] if unmet else members, marriage, **values)


def page(kind: FamilyRecordKind, checked: Check, status: int = 200, failed: bool = False):
    view = record_view(kind) if checked.record is not None else None
    return views.render_service(views.PAGES[kind], checked, status, failed, record=view,
                                sign_out_form=ConfirmForm(formdata=None))


def issued(kind: FamilyRecordKind):
    record = record_view(kind).record
    checked = check(kind, {Condition.NO_RECORD: R.ALREADY_ISSUED},
                    request=asked(RequestStatus.APPROVED), record=record)
    return page(kind, checked)


def record_page():
    return views.render_record(record_view(MARRIAGE), sign_out_form=ConfirmForm(formdata=None))


def family_with_record():
    found = fx.family()
    return my_family(Family(found.members, found.sponsored, [record_view(MARRIAGE)]))


# TRANSLATORS: states gallery, a state of a family record page: every condition is met and
# the holder may apply.
READY = _l("Every condition met, ready to apply")
# TRANSLATORS: states gallery, a state of a family record page: the record was issued.
ISSUED = _l("Record issued")
# States of a family record page where one condition is not met: which.
UNMET_LABELS = {
    # TRANSLATORS: states gallery, a family record page's state: the holder is a resident.
    R.NOT_CITIZEN: _l("Not met: not a citizen"),
    # TRANSLATORS: states gallery, a family record page's state: the holder is under age.
    R.MINOR: _l("Not met: under age"),
    # TRANSLATORS: states gallery, a family record page's state: no marriage in the registry.
    R.NO_MARRIAGE: _l("Not met: no marriage recorded"),
    # TRANSLATORS: states gallery, a family record page's state: she was never married.
    R.NEVER_MARRIED: _l("Not met: never married"),
    # TRANSLATORS: states gallery, a family record page's state: she is married now.
    R.STILL_MARRIED: _l("Not met: married now"),
    # TRANSLATORS: states gallery, a family record page's state: no child in her custody.
    R.NO_CHILDREN: _l("Not met: no child in her custody"),
}

_MARRIAGE_UNMET = ((R.NOT_CITIZEN, Condition.CITIZEN), (R.MINOR, Condition.ADULT),
                   (R.NO_MARRIAGE, Condition.MARRIED))
_MOTHER_UNMET = ((R.NOT_CITIZEN, Condition.CITIZEN), (R.NEVER_MARRIED, Condition.MARRIAGE_ENDED),
                 (R.STILL_MARRIED, Condition.MARRIAGE_ENDED), (R.NO_CHILDREN, Condition.CHILDREN))


def _states(kind: FamilyRecordKind, prefix: str, unmet_list) -> list[State]:
    title = views.PAGES[kind].title
    states = [
        State(f"{prefix}", GROUP, title, READY, partial(page, kind, check(kind)), htmx=True),
        State(f"{prefix}-not-active", GROUP, title, _l("Account not activated"),
              partial(not_active, title, views.PAGES[kind].explanation)),
    ]
    for refusal, condition in unmet_list:
        states.append(State(f"{prefix}-{refusal.replace('_', '-')}", GROUP, title,
                            UNMET_LABELS[refusal],
                            partial(page, kind, check(kind, {condition: refusal}))))
    states.append(
        # TRANSLATORS: states gallery, a state of a family record page: the holder applied
        # but a condition was no longer met, so the page lists the refusals (422).
        State(f"{prefix}-applied-not-met", GROUP, title, _l("Applied, a condition not met (422)"),
              partial(page, kind, check(kind, {unmet_list[-1][1]: unmet_list[-1][0]}), 422,
                      True), htmx=True))
    states.append(State(f"{prefix}-issued", GROUP, title, ISSUED, partial(issued, kind),
                        htmx=True))
    return states


def _mother_officer_states() -> list[State]:
    title = views.PAGES[MOTHER].title
    to_officer = partial(check, MOTHER, officer_reason=rules.CUSTODY_UNRECORDED)
    return [
        # TRANSLATORS: states gallery, a state of the family record for mothers: every
        # condition met, but her children's custody is not recorded, so an officer decides.
        State("family-record-mother-officer", GROUP, title, _l("Ready, an officer decides"),
              lambda: page(MOTHER, to_officer())),
        # TRANSLATORS: states gallery, a state of a family record page: the request waits for
        # a Civil Affairs officer.
        State("family-record-mother-under-review", GROUP, title, _l("With an officer"),
              lambda: page(MOTHER, to_officer(request=asked(
                  RequestStatus.UNDER_REVIEW, rules.CUSTODY_UNRECORDED))), htmx=True),
        # TRANSLATORS: states gallery, a state of a family record page: an officer refused the
        # request.
        State("family-record-mother-refused", GROUP, title, _l("Refused by an officer"),
              lambda: page(MOTHER, to_officer(request=asked(
                  RequestStatus.REFUSED, rules.NOT_ELIGIBLE)))),
    ]


STATES: list[State] = [
    *_states(MARRIAGE, "family-record-marriage", _MARRIAGE_UNMET),
    *_states(MOTHER, "family-record-mother", _MOTHER_UNMET),
    *_mother_officer_states(),
    # TRANSLATORS: states gallery, a family record's own page.
    State("family-record", GROUP, views.RECORD_TITLE, _l("Head, wife and children"),
          record_page),
    # TRANSLATORS: states gallery, a state of the My family page: with the holder's family
    # record.
    State("family-with-record", GROUP, MY_FAMILY, _l("With the family record"),
          family_with_record),
]
