"""Devices (where the holder is signed in) and the security activity, with "this wasn't me".

Every page works without JavaScript: the filter is a GET form, each button a POST form.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.extensions import db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.devices import ActivityFilterForm, DeviceForm, NotMeForm
from absher_web.models import AuditEvent, DeviceSession, utcnow
from absher_web.services import activity, devices
from absher_web.web.account import EVENT_LABELS
from absher_web.web.guards import signed_in_only
from absher_web.web.sessions import end_session
from absher_web.web.sessions import sign_out as sign_out_here

bp = Blueprint("devices", __name__, url_prefix="/<lang_code>/account")

NOTICE_KEY = "devices_notice"



def place(row: DeviceSession) -> str | None:
    """The row's place in the page's language (Arabic when the file has it)."""
    arabic = get_locale() is not None and get_locale().language == "ar"
    return row.place_ar if arabic and row.place_ar else row.place_en


def where_from(event: AuditEvent, known: dict[str, DeviceSession]) -> str | None:
    """The sentence that says which device (and place) an event came from, if known."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    row = known.get(detail.get("device")) if isinstance(detail.get("device"), str) else None
    if row is None:
        return None
    values = {"device": devices.DEVICE_NAMES.get(row.device, devices.DEVICE_NAMES["other"]),
              "browser": devices.BROWSER_NAMES.get(row.browser, devices.BROWSER_NAMES["other"]),
              "place": place(row)}
    sentence = WHERE[(row.new_device, bool(values["place"]))]
    return str(sentence) % values


WHERE = {
    # TRANSLATORS: In the security activity, under an event: the device it came from, which the
    # account had never used before. %(device)s is a kind of device (iPhone…), %(browser)s a
    # browser, %(place)s a city or country.
    (True, True): _l("From a new device: %(device)s, %(browser)s, in %(place)s."),
    # TRANSLATORS: In the security activity, under an event (no place known).
    (True, False): _l("From a new device: %(device)s, %(browser)s."),
    # TRANSLATORS: In the security activity, under an event: the device it came from.
    (False, True): _l("From %(device)s, %(browser)s, in %(place)s."),
    # TRANSLATORS: In the security activity, under an event (no place known).
    (False, False): _l("From %(device)s, %(browser)s."),
}


def event_labels() -> dict:
    """Every event's label (web/account.py gathers them)."""
    return EVENT_LABELS


def devices_context(rows: list[DeviceSession], this_id: str, notice: str | None) -> dict:
    return {"rows": [(row, place(row)) for row in rows], "this_id": this_id, "notice": notice,
            "device_names": devices.DEVICE_NAMES, "browser_names": devices.BROWSER_NAMES,
            "form": DeviceForm(formdata=None), "others_form": ConfirmForm(formdata=None)}


@bp.get("/devices")
@signed_in_only
def page() -> str:
    config, now = current_app.config, utcnow()
    rows = devices.live(db.session, current_user.account, now,
                        timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"]),
                        timedelta(seconds=config["SESSION_LIFETIME_SECONDS"]),
                        timedelta(seconds=config["DEVICE_SEEN_EVERY_SECONDS"]))
    return render_template("account/devices.html", **devices_context(
        rows, current_user.device.id, session.pop(NOTICE_KEY, None)))


@bp.post("/devices/sign-out")
@signed_in_only
def sign_out_device():
    form = DeviceForm()
    if form.validate_on_submit():
        if form.device.data == current_user.device.public_id:
            sign_out_here("signed_out")
            return redirect(url_for("auth.login"), 303)
        ended = devices.end_one(db.session, current_user.account, form.device.data, utcnow(),
                                request.remote_addr)
        session[NOTICE_KEY] = "device_signed_out" if ended else "device_already_signed_out"
    return redirect(url_for(".page"), 303)


@bp.post("/devices/sign-out-others")
@signed_in_only
def sign_out_others():
    if ConfirmForm().validate_on_submit():
        devices.end_others(db.session, current_user.account, current_user.device.id, utcnow(),
                           request.remote_addr)
        session[NOTICE_KEY] = "devices_others_signed_out"
    return redirect(url_for(".page"), 303)


def activity_context(form: ActivityFilterForm, events: list[AuditEvent],
                     known: dict[str, DeviceSession], next_cursor: str | None) -> dict:
    return {"form": form, "next_cursor": next_cursor, "event_labels": event_labels(),
            "rows": [(event, where_from(event, known)) for event in events],
            "page_problem": getattr(form, "page_problem", None)}


@bp.get("/activity")
@signed_in_only
def activity_page():
    form = ActivityFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    account = current_user.account
    events, cursor = ([], None) if not valid else activity.page(
        db.session, account.id, form.filters(), form.cursor(),
        current_app.config["ACTIVITY_PAGE_SIZE"])
    public_ids = {e.detail.get("device") for e in events if isinstance(e.detail, dict)}
    known = devices.by_public_ids(db.session, account.id,
                                  {p for p in public_ids if isinstance(p, str)})
    context = activity_context(form, events, known, cursor.text() if cursor else None)
    return render_template("account/activity.html", **context), 200 if valid else 422


@bp.route("/activity/not-me", methods=["GET", "POST"])
@signed_in_only
def not_me():
    form = NotMeForm(formdata=request.form if request.method == "POST" else request.args,
                     meta={"csrf": request.method == "POST"})
    account = current_user.account
    event = activity.event_of(db.session, account.id, form.event_id())
    if request.method == "POST" and form.validate():
        activity.not_me(db.session, account, event, utcnow(), request.remote_addr)
        end_session("signed_out_not_me")
        return redirect(url_for("auth.login"), 303)
    return render_template("account/not_me.html", form=NotMeForm(
        formdata=None, event=str(event.id) if event else ""), event=event,
        event_labels=event_labels())
