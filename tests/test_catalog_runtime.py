"""Catalogs at run time: a broken translation never takes a page down, a saved .po shows on
the next request in development, and the pseudo-locales /xa/ and /xb/."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from absher_web import create_app
from absher_web.config import TRANSLATIONS_DIR, ProductionConfig, TestConfig
from absher_web.settings_check import production_problems
from tests.account.conftest import Citizen
from tests.conftest import empty_all_tables
from tests.pages import parse

PO = Path("LC_MESSAGES") / "messages.po"


def edit(directory: Path, language: str, changes: dict[str, str], mo: bool = False) -> None:
    """Set msgstrs in a copied catalog with no check at all, as a text editor would (and,
    with ``mo``, write its .mo as a compiler that checks nothing would)."""
    path = directory / language / PO
    with path.open("rb") as stream:
        catalog = read_po(stream, locale=language)
    for msgid, text in changes.items():
        catalog[msgid].string = text
    with path.open("wb") as stream:
        write_po(stream, catalog, width=76)
    if mo:
        with path.with_suffix(".mo").open("wb") as stream:
            write_mo(stream, catalog)


@pytest.fixture
def catalogs_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, directory, ignore=shutil.ignore_patterns("*.mo"))
    return directory


@pytest.fixture
def app(request, database_url: str, tmp_path: Path, catalogs_dir: Path):
    """The suite's app reading the copied catalogs; live (development's way) when the test
    is parametrized so."""
    live = getattr(request, "param", False)
    config = type("CopiedCatalogsConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl"),
        "BABEL_TRANSLATION_DIRECTORIES": str(catalogs_dir), "CATALOGS_LIVE": live})
    app = create_app(config)
    yield app
    empty_all_tables(app)


@pytest.mark.parametrize("app", [False, True], ids=["compiled", "live"], indirect=True)
def test_a_renamed_placeholder_shows_the_english_source_and_the_page_answers(
        app, catalogs_dir, make_account, sms_outbox, caplog):
    # %(user)s for %(name)s: formatting it raised KeyError, and /ar/account/ answered 500.
    edit(catalogs_dir, "ar", {"Welcome, %(name)s": "مرحبًا، %(user)s",
                              "Sign out": "تسجيل الخروج %(oops)s"}, mo=True)
    client = app.test_client()
    Citizen(client, make_account(), sms_outbox, lang="ar").sign_in()
    with caplog.at_level(logging.WARNING, logger="absher_web.catalogs"):
        for _ in range(2):
            page = client.get("/ar/account/")
            assert page.status_code == 200
            assert parse(page).h1.get_text(strip=True) == "Welcome, سارة محمد العتيبي"
    warnings = [record.getMessage() for record in caplog.records
                if "Welcome, %(name)s" in record.getMessage()]
    assert len(warnings) == 1 and "%(user)s" in warnings[0]  # once, naming the msgid
    assert any("'Sign out'" in record.getMessage() for record in caplog.records)
    # Everything else is still Arabic.
    body = client.get("/ar/account/").get_data(as_text=True)
    assert ">Sign out<" in body and "مرحبًا" not in body and "حسابي" in body


@pytest.mark.parametrize("app", [True], ids=["live"], indirect=True)
def test_a_saved_catalog_shows_on_the_next_request(app, catalogs_dir):
    client = app.test_client()
    assert parse(client.get("/en/")).h1.get_text(strip=True) == "Absher electronic services"
    assert parse(client.get("/ar/")).h1.get_text(strip=True) == "خدمات أبشر الإلكترونية"
    edit(catalogs_dir, "en", {"Absher electronic services": "Absher e-services"})
    edit(catalogs_dir, "ar", {"Absher electronic services": "خدمات أبشر"})
    bump = catalogs_dir / "ar" / PO  # a second apart, whatever the file system's clock
    os.utime(bump, ns=(bump.stat().st_atime_ns, bump.stat().st_mtime_ns + 10**9))
    # The landing page was kept by the page cache: that goes too.
    assert parse(client.get("/en/")).h1.get_text(strip=True) == "Absher e-services"
    assert parse(client.get("/ar/")).h1.get_text(strip=True) == "خدمات أبشر"
    assert "⟦Àƀšĥéŕ é-šéŕṽîçéš" in parse(client.get("/xa/")).h1.get_text()


@pytest.mark.parametrize("lang", ["xa", "xb"])
def test_pseudo_locales_mark_every_translated_string(client, lang):
    page = client.get(f"/{lang}/")
    assert page.status_code == 200
    html = parse(page).html
    assert (html["lang"], html["dir"]) == (("en-XA", "ltr") if lang == "xa" else
                                           ("ar-XB", "rtl"))
    h1 = parse(page).h1.get_text(strip=True)
    assert h1.startswith("⟦Àƀšĥéŕ éĺéçţŕöñîç šéŕṽîçéš") and h1.endswith("⟧")
    assert len(h1) >= 1.4 * len("Absher electronic services")
    # Links stay in the pseudo-locale; the switch offers the real languages only.
    assert parse(page).find("a", href=f"/{lang}/individuals/login")
    assert parse(page).find(id="lang-switch")["hreflang"] == "ar"
    assert "absher_lang" not in page.headers.get("Set-Cookie", "")
    again = client.get(f"/{lang}/")  # from memory now: the same page, still no cookie
    assert again.get_data() == page.get_data() and "Set-Cookie" not in again.headers
    # The page caches keep each language apart.
    assert parse(client.get("/en/")).h1.get_text(strip=True) == "Absher electronic services"


def test_pseudo_locales_keep_placeholders_and_markup(client):
    from absher_web.catalog_runtime import pseudo

    text = pseudo('Read the <a href="%(url)s">conditions</a> of %(name)s &amp; 100%%')
    assert text.startswith('⟦Ŕéàđ ţĥé <a href="%(url)s">çöñđîţîöñš</a> öƒ %(name)s &amp; '
                           "100%%")
    assert text % {"url": "/x", "name": "n"}  # still formats
    # A page whose sentence carries a link and a count.
    page = client.get("/xa/register")
    assert page.status_code == 200
    assert "%(" not in page.get_data(as_text=True)


def test_production_has_no_pseudo_locale(app):
    assert ProductionConfig.PSEUDO_LANGUAGES == () and not ProductionConfig.CATALOGS_LIVE
    assert any("pseudo-locales" in problem for problem in production_problems(
        {"PSEUDO_LANGUAGES": ("xa",), "SECRET_KEY": "x" * 40}))
    app.config["PSEUDO_LANGUAGES"] = ()  # what production has
    client = app.test_client()
    for path in ("/xa/", "/xb/", "/xa/register"):
        assert client.get(path).status_code == 404
    assert client.get("/en/").status_code == 200



@pytest.mark.parametrize("value, development, production", [
    (None, True, False), ("off", False, False), ("on", True, True)])
def test_live_catalogs_are_a_setting_that_production_refuses(value, development, production):
    # Development as production serves it (the benchmarks): compiled catalogs, public pages
    # from memory. Settings are read when the config module loads: a process of its own.
    script = ("from absher_web import config, settings_check as check; "
              "p = config.ProductionConfig; "
              "print(config.DevelopmentConfig.CATALOGS_LIVE, p.CATALOGS_LIVE, "
              "any('ABSHER_CATALOGS_LIVE=on' in problem for problem in check.production_problems("
              "{key: getattr(p, key) for key in dir(p) if key.isupper()})))")
    environment = {key: item for key, item in os.environ.items()
                   if key != "ABSHER_CATALOGS_LIVE"}
    if value is not None:
        environment["ABSHER_CATALOGS_LIVE"] = value
    printed = subprocess.run([sys.executable, "-c", script], env=environment, check=True,
                             capture_output=True, text=True).stdout.split()
    assert printed == [str(development), str(production), str(production)]
