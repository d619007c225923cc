"""How the events of Devices and the security activity read in the holder's security
activity (gathered in web/account.EVENT_LABELS)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    # TRANSLATORS: An event in the account's security activity: the holder signed one of their
    # devices out on the Devices page.
    "device_signed_out": _l("A device was signed out from the Devices page"),
    # TRANSLATORS: An event in the account's security activity.
    "signed_out_elsewhere": _l("Signed out everywhere else"),
    # TRANSLATORS: An event in the account's security activity: the holder said an event was
    # not theirs, and every device was signed out.
    "not_me_reported": _l("You reported activity that was not yours; every device was "
                          "signed out"),
}
