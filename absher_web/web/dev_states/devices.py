"""Devices and the security activity: where the holder is signed in, their events filtered
a page at a time, and "this wasn't me"."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.devices import ActivityFilterForm, NotMeForm
from absher_web.models import AuditEvent, DeviceSession
from absher_web.services.activity import Cursor
from absher_web.web import devices as device_pages
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State, account_page
from absher_web.web.dev_states.sign_in import INDIVIDUALS, SIGN_IN, sign_in

# TRANSLATORS: states gallery, a heading: the pages of devices and security activity.
DEVICES = _l("Devices and security activity")
# TRANSLATORS: states gallery, a page's name.
DEVICES_PAGE = _l("Devices")
# TRANSLATORS: states gallery, a page's name.
ACTIVITY = _l("Security activity")
# TRANSLATORS: states gallery, a page's name.
NOT_ME = _l("Activity that was not you")


def rows() -> list[DeviceSession]:
    """This browser (Riyadh), a phone signed in from Jeddah, and a tablet with no place."""
    def row(n: int, device: str, browser: str, place: tuple, new: bool) -> DeviceSession:
        return DeviceSession(id=f"{n:064d}", public_id=f"device{n}", account_id=1,
                             device=device, browser=browser, place_en=place[0],
                             place_ar=place[1], first_of_device=new, new_device=new,
                             created_at=fx.NOW - timedelta(days=n, hours=2),
                             last_seen_at=fx.NOW - timedelta(minutes=5 * n))
    return [row(0, "windows", "chrome", ("Riyadh", "الرياض"), False),
            row(1, "iphone", "safari", ("Jeddah", "جدة"), True),
            row(2, "android_tablet", "other", (None, None), False)]


def devices_page(count: int = 3, notice: str | None = None):
    found = rows()[:count]
    return account_page("account/devices.html",
                        **device_pages.devices_context(found, found[0].id, notice))


def events() -> tuple[list[AuditEvent], dict[str, DeviceSession]]:
    known = {row.public_id: row for row in rows()}
    kinds = [("password_changed", "device1"), ("signed_in", "device1"),
             ("device_signed_out", "device0"), ("signed_in", "device0"),
             ("sign_in_failed", None), ("birth_registered", "device2")]
    return [AuditEvent(id=100 - n, kind=kind, account_id=1,
                       detail={"device": device} if device else {},
                       created_at=fx.NOW - timedelta(days=n, hours=n))
            for n, (kind, device) in enumerate(kinds)], known


def activity(query: dict | None = None, found: bool = True, more: bool = False):
    from werkzeug.datastructures import MultiDict

    form = ActivityFilterForm(formdata=MultiDict(query or {}))
    valid = form.validate() if query else True
    listed, known = events() if found and valid else ([], {})
    cursor = Cursor(listed[-1].created_at, listed[-1].id).text() if more and listed else None
    return account_page("account/activity.html", 200 if valid else 422,
                        **device_pages.activity_context(form, listed, known, cursor))


def not_me(with_event: bool = True):
    event = events()[0][0] if with_event else None
    return account_page("account/not_me.html",
                        form=NotMeForm(formdata=None, event=str(event.id) if event else ""),
                        event=event, event_labels=device_pages.event_labels())


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of the Devices page: signed in on three devices.
    State("devices", DEVICES, DEVICES_PAGE, _l("Signed in on three devices"), devices_page),
    # TRANSLATORS: states gallery, a state of the Devices page: only this device is signed in.
    State("devices-only-this", DEVICES, DEVICES_PAGE, _l("Only this device"),
          partial(devices_page, 1)),
    # TRANSLATORS: states gallery, a state of the Devices page: just after a device was signed out.
    State("devices-signed-out", DEVICES, DEVICES_PAGE, _l("After signing a device out"),
          partial(devices_page, 2, "device_signed_out")),
    State("devices-already-out", DEVICES, DEVICES_PAGE, _l("The device was already signed out"),
          partial(devices_page, 2, "device_already_signed_out")),
    State("devices-others-out", DEVICES, DEVICES_PAGE, _l("After signing out everywhere else"),
          partial(devices_page, 1, "devices_others_signed_out")),
    # TRANSLATORS: states gallery, a state of the security activity: events, and a link to
    # older ones.
    State("activity", DEVICES, ACTIVITY, _l("Events, with older ones on the next page"),
          partial(activity, more=True)),
    # TRANSLATORS: states gallery, a state of the security activity: filtered by kind and days.
    State("activity-filtered", DEVICES, ACTIVITY, _l("Filtered by kind and days"),
          partial(activity, {"kind": "sign_ins", "since": "2026-11-01",
                             "until": "2026-11-25"})),
    # TRANSLATORS: states gallery, a state of the security activity: nothing matches the filter.
    State("activity-none", DEVICES, ACTIVITY, _l("Nothing matches the filter"),
          partial(activity, {"kind": "account"}, found=False)),
    State("activity-broken", DEVICES, ACTIVITY, _l("Filter with values that break the rules"),
          partial(activity, {"kind": "everything", "since": "2026-02-30",
                             "until": "tomorrow"})),
    State("activity-reversed", DEVICES, ACTIVITY, _l("The last day before the first"),
          partial(activity, {"since": "2026-11-20", "until": "2026-11-01"})),
    # TRANSLATORS: states gallery, a state of the security activity: a link to a later page
    # was changed.
    State("activity-page-changed", DEVICES, ACTIVITY, _l("A changed link to older activity"),
          partial(activity, {"after": "12.x"})),
    # TRANSLATORS: states gallery, a state of the page reporting activity: from one event.
    State("not-me", DEVICES, NOT_ME, _l("From an event"), not_me),
    # TRANSLATORS: states gallery, a state of the page reporting activity: from the link at
    # the foot.
    State("not-me-general", DEVICES, NOT_ME, _l("Without an event"),
          partial(not_me, False)),
    # TRANSLATORS: states gallery, a state of the sign-in page: after "This wasn't me".
    State("sign-in-not-me", SIGN_IN, INDIVIDUALS, _l("After reporting activity that was not you"),
          partial(sign_in, notice="signed_out_not_me")),
]
