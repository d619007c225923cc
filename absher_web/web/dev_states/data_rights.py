"""The holder's rights over their data: Who looked at my data (looks, none, an older page
past the last), Download my data in each state of the copy (never asked, asked, being
prepared, ready, the password wrong, expired with a new one possible or not yet), and the
question an officer answers before a request of a queue is shown. From fixture data, never
stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.common import ConfirmForm
from absher_web.forms.data_rights import DownloadDataForm
from absher_web.forms.staff import LookReasonForm
from absher_web.models import ExportStatus, RequestStatus, StaffLook
from absher_web.services import data_exports, staff_looks
from absher_web.services import family_records as rules
from absher_web.web import data_rights, staff_queues
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, form_of
from absher_web.web.dev_states.requests import asked, case_of
from absher_web.web.dev_states.requests import officer_page as console_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Your data and your rights")
# TRANSLATORS: The states gallery for testers (development only): a page's name: the
# question an officer answers before a request of a queue is shown.
OPEN_CASE = _l("Why the officer opens a request")
PAUSE = timedelta(days=7)


def _look(days: int, role: str, office: str, reason: str, note: str | None = None,
          look_id: int = 1) -> StaffLook:
    return StaffLook(id=look_id, staff_user_id=1, person_id=fx.person().national_id,
                     role=role, office=office, reason=reason, note=note,
                     created_at=fx.NOW - timedelta(days=days, hours=days))


def looks(found: bool = True, first: bool = True):
    shown = [
        _look(1, "civil_affairs", "Riyadh Civil Affairs", "deciding_request", look_id=3),
        _look(12, "passports", "Riyadh Passports Office", "holder_at_office", look_id=2),
        _look(40, "passports", "Jeddah Passports Office", staff_looks.OTHER,
              "Asked in writing by the Public Prosecution in letter 4471", look_id=1),
        _look(90, "objections_committee", "Riyadh Objections Committee", "official_letter",
              look_id=0),
    ] if found else []
    page = staff_looks.Page(shown, "1764000000000000.1" if found else None)
    return data_rights.render_looks(page, first, sign_out_form=ConfirmForm(formdata=None))


def download(status: ExportStatus | None = None, paused: bool = False, typed=None,
             errors=None):
    asked_at = fx.NOW - (timedelta(days=2) if paused else timedelta(days=10)) \
        if status is ExportStatus.EXPIRED else fx.NOW - timedelta(minutes=3)
    state = data_exports.State(
        status, asked_at if status else None,
        fx.NOW + timedelta(days=3) if status is ExportStatus.READY else None,
        asked_at + PAUSE if status else None,
        48_213 if status is ExportStatus.READY else None)
    form = form_of(DownloadDataForm, typed, errors)
    return data_rights.render_download(form, 422 if form.errors else 200, state, fx.NOW,
                                       sign_out_form=ConfirmForm(formdata=None))


def open_case(typed=None):
    found = asked("5028471937", RequestStatus.UNDER_REVIEW, reason=rules.CUSTODY_UNRECORDED,
                  details={"children": ["1050201407", "1050201704"]})
    form = form_of(LookReasonForm, typed)
    return console_page(staff_queues.render_look_reason, case_of(found), form,
                        422 if form.errors else 200)


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of Who looked at my data: officers opened the
    # holder's record.
    State("my-data-looks", GROUP, data_rights.LOOKS_TITLE, _l("Looks by officers"), looks),
    # TRANSLATORS: states gallery, a state of Who looked at my data: no officer ever did.
    State("my-data-looks-none", GROUP, data_rights.LOOKS_TITLE, _l("No look yet"),
          partial(looks, False)),
    # TRANSLATORS: states gallery, a state of Who looked at my data: a page past the oldest.
    State("my-data-looks-past-the-end", GROUP, data_rights.LOOKS_TITLE,
          _l("A page past the oldest"), partial(looks, False, False)),
    # TRANSLATORS: states gallery, a state of Download my data: never asked for a copy.
    State("my-data-download", GROUP, data_rights.DOWNLOAD_TITLE, _l("Never asked"), download),
    # TRANSLATORS: states gallery, a state of Download my data.
    State("my-data-download-asked", GROUP, data_rights.DOWNLOAD_TITLE, _l("Asked for"),
          partial(download, ExportStatus.ASKED)),
    State("my-data-download-preparing", GROUP, data_rights.DOWNLOAD_TITLE,
          # TRANSLATORS: states gallery, a state of Download my data: being prepared.
          _l("Being prepared"), partial(download, ExportStatus.PREPARING)),
    # TRANSLATORS: states gallery, a state of Download my data.
    State("my-data-download-ready", GROUP, data_rights.DOWNLOAD_TITLE, _l("Ready"),
          partial(download, ExportStatus.READY)),
    State("my-data-download-empty", GROUP, data_rights.DOWNLOAD_TITLE, EMPTY,
          partial(download, ExportStatus.READY, typed={})),
    # TRANSLATORS: states gallery, a state of Download my data: the password typed is wrong.
    State("my-data-download-wrong-password", GROUP, data_rights.DOWNLOAD_TITLE,
          _l("Wrong password"), partial(download, ExportStatus.READY,
                                        typed={"password": "wrong"},
                                        errors={"password": "current_password_wrong"})),
    # TRANSLATORS: states gallery, a state of Download my data: the copy was deleted and a
    # new one may be asked for.
    State("my-data-download-expired", GROUP, data_rights.DOWNLOAD_TITLE,
          _l("Expired, a new copy possible"), partial(download, ExportStatus.EXPIRED)),
    # TRANSLATORS: states gallery, a state of Download my data: the copy was deleted and a
    # new one may not be asked for yet.
    State("my-data-download-paused", GROUP, data_rights.DOWNLOAD_TITLE,
          _l("Expired, a new copy later"), partial(download, ExportStatus.EXPIRED, True)),
    State("staff-open-case", GROUP, OPEN_CASE, BLANK, open_case),
    State("staff-open-case-empty", GROUP, OPEN_CASE, EMPTY, partial(open_case, {})),
    # TRANSLATORS: states gallery, a state of the question an officer answers before a
    # request is shown: "another reason" chosen without words.
    State("staff-open-case-other", GROUP, OPEN_CASE, _l("Another reason without words"),
          partial(open_case, {"look_reason": staff_looks.OTHER})),
]
