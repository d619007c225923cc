"""The rough place of a sign-in, from a GeoIP file when one is configured (a small one
written here in the MaxMind DB format), and nothing about places without it."""

from __future__ import annotations

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from absher_web.services import devices
from tests.devices.conftest import WINDOWS, browser, rows_of
from tests.pages import parse

RIYADH = {"city": {"names": {"en": "Riyadh", "ar": "الرياض"}},
          "country": {"iso_code": "SA", "names": {"en": "Saudi Arabia"}}}
JEDDAH_COUNTRY_ONLY = {"country": {"iso_code": "SA", "names": {"en": "Saudi Arabia"}}}
# Reading the file, and the start refusing a broken one (which runs on the default
# database), are the same on both; the pages that name the place use the suite's.
pytestmark = pytest.mark.database_free


@pytest.fixture
def geoip_file(tmp_path) -> str:
    writer = MMDBWriter(4, "GeoLite2-City", languages=["en", "ar"],
                        description="Absher Web tests")
    writer.insert_network(IPSet(["192.0.2.0/24"]), RIYADH)
    writer.insert_network(IPSet(["198.51.100.0/24"]), JEDDAH_COUNTRY_ONLY)
    path = tmp_path / "places.mmdb"
    writer.to_db_file(str(path))
    return str(path)


def test_places_are_read_from_the_file(geoip_file):
    assert devices.place_of("192.0.2.7", geoip_file) == ("Riyadh", "الرياض")
    assert devices.place_of("198.51.100.1", geoip_file) == ("Saudi Arabia", None)
    assert devices.place_of("203.0.113.9", geoip_file) == (None, None)
    for hostile in ("not an address", "\x00", "1" * 5000, "", None, "::1"):
        assert devices.place_of(hostile, geoip_file) == (None, None)
    assert devices.place_of("192.0.2.7", None) == (None, None)


def test_the_devices_page_and_the_activity_name_the_place(app, make_account, sms_outbox,
                                                          geoip_file):
    app.config["GEOIP_DATABASE"] = geoip_file
    account = make_account(language="ar")
    browser(app, account, sms_outbox, address="192.0.2.7")
    other = browser(app, account, sms_outbox, WINDOWS, address="192.0.2.8")
    assert [row.place_en for row in rows_of(app, account.id)] == ["Riyadh", "Riyadh"]
    assert "Riyadh" in other.client.get("/en/account/devices").get_data(as_text=True)
    assert "الرياض" in other.client.get("/ar/account/devices").get_data(as_text=True)
    activity = parse(other.client.get("/en/account/activity")).get_text(" ", strip=True)
    assert "From a new device: Windows computer, Chrome, in Riyadh." in activity


def test_without_a_file_no_place_is_said(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox, address="192.0.2.7")
    assert rows_of(app, account.id)[0].place_en is None
    assert "Place" not in parse(here.client.get("/en/account/devices")).main.get_text()


def test_a_geoip_file_that_does_not_open_stops_the_start(tmp_path, geoip_file):
    from tests.test_settings import absher

    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    for path in (str(broken), str(tmp_path / "missing.mmdb")):
        result = absher("check-config", ABSHER_GEOIP_DATABASE=path)
        assert result.returncode == 2 and "ABSHER_GEOIP_DATABASE" in result.stderr
        assert "Traceback" not in result.stderr
    assert absher("check-config", ABSHER_GEOIP_DATABASE=geoip_file).returncode == 0
