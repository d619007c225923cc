"""Hostile input, fixed at its root: forged hosts, reserved query names, control characters,
non-ASCII answers, reflected paths and htmx on pages that have no fragment of their own."""

from __future__ import annotations

import re

import pytest

from absher_web.config import PROJECT_ROOT
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.registration.conftest import Registrant, field_error


class TestTrustedHosts:
    @pytest.mark.parametrize("host", ["absher-login.example", "a" * 64 + ".example",
                                      "localhost.evil.example", "[::1]", "local host"])
    def test_a_forged_host_gets_a_translated_400_before_any_view(self, client, host):
        response = client.get("/ar/individuals/login", headers={"Host": host})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'lang="ar"' in page and "حدثت مشكلة في طلبك" in page
        assert host not in page  # nothing on the page was built from it

    def test_the_configured_hosts_with_any_port_are_served(self, client):
        for host in ("localhost", "localhost:8443", "127.0.0.1:5000", "LOCALHOST"):
            assert client.get("/en/", headers={"Host": host}).status_code == 200

    def test_a_forged_sign_in_sends_no_sms(self, client, make_account, sms_outbox):
        citizen = Citizen(client, make_account(), sms_outbox)
        page = client.get("/en/individuals/login")
        response = client.post("/en/individuals/login", headers={"Host": "absher-login.example"},
                               data={"csrf_token": csrf_of(page),
                                     "identifier": citizen.account.username,
                                     "password": "Qm7rTz4wLp"})
        assert response.status_code == 400
        assert sms_outbox.messages() == []

    def test_a_forged_forwarded_host_is_refused_behind_the_proxy(self, app):
        from absher_web import create_app

        config = dict(app.config, PROXY_COUNT=1)
        proxied = create_app(config).test_client()
        forged = proxied.get("/en/", headers={"X-Forwarded-Host": "absher-login.example"})
        assert forged.status_code == 400
        trusted = proxied.get("/en/", headers={"X-Forwarded-Host": "localhost"})
        assert trusted.status_code == 200

    def test_a_subdomain_entry_trusts_its_subdomains_only(self, app):
        app.wsgi_app.trusted = (".absher.example.sa",)  # the check reads its own copy
        client = app.test_client()
        assert client.get("/en/", headers={"Host": "www.absher.example.sa"}).status_code == 200
        assert client.get("/en/", headers={"Host": "absher.example.sa.evil"}).status_code == 400

    def test_the_sms_names_the_configured_origin_whatever_the_host(self, app, make_account,
                                                                    sms_outbox):
        app.config["SMS_ORIGIN_HOST"] = None
        app.config["ALLOWED_HOSTS"] = ("absher.example.sa", "localhost")
        citizen = Citizen(app.test_client(), make_account(), sms_outbox)
        assert citizen.enter_password().status_code == 303
        assert sms_outbox.messages()[-1]["body"].splitlines()[-1].startswith(
            "@absher.example.sa #")


@pytest.mark.parametrize("name", ["_anchor", "_method", "_scheme", "_external", "lang_code",
                                  "endpoint", "values"])
def test_the_language_switch_keeps_only_the_pages_own_query(client, name):
    response = client.get(f"/en/services?q=passport&{name}=x")
    assert response.status_code == 200
    switch = parse(response).find(id="lang-switch")["href"]
    assert switch == "/ar/services?q=passport"


class TestControlCharacters:
    @pytest.mark.parametrize("hostile", ["Citizen\x00001", "Citizen\x1b[0m", "Citizen\u202e1",
                                         "Citi\x85zen", "Citizen\u2066x"])
    def test_a_sign_in_name_with_control_characters_gets_a_field_message(
            self, client, make_account, sms_outbox, hostile):
        citizen = Citizen(client, make_account(), sms_outbox)
        response = citizen.enter_password(identifier=hostile)
        assert response.status_code == 422
        assert "characters that cannot be used" in field_error(response, "identifier")
        assert sms_outbox.messages() == []

    def test_other_fields_keep_their_values(self, app, client, make_person):
        registrant = Registrant(app, client, make_person())
        registrant.open_form()
        response = registrant.submit(username="Abshertest1\x00")
        assert response.status_code == 422
        assert "characters that cannot be used" in field_error(response, "username")
        assert parse(response).find("input", attrs={"name": "email"})["value"] == \
            "sarah@example.com"


@pytest.mark.parametrize("typed", ["１２３４５", "12345\u200b", "🙂", "ǅ", "1̈2345", "١٢٣٤٥x"])
def test_any_unicode_visual_code_answer_is_a_field_message(app, client, make_person, typed):
    registrant = Registrant(app, client, make_person())
    registrant.open_form()
    response = registrant.submit(captcha_answer=typed)
    assert response.status_code == 422
    assert field_error(response, "captcha_answer")


class TestVisualCodeRefresh:
    @pytest.mark.parametrize("page", ["/\\evil.example", "//evil.example", "https://evil.example",
                                      "/\tevil", "/en/no-such-page", "evil", ""])
    def test_only_pages_of_this_site_are_linked(self, client, page):
        response = client.get("/en/visual-code/new", query_string={"page": page})
        assert response.status_code == 400

    def test_a_page_of_this_site_gets_a_new_code(self, client):
        response = client.get("/en/visual-code/new",
                              query_string={"page": "/en/recover?without_visual_code=1"})
        assert response.status_code == 200
        assert 'href="/en/recover?without_visual_code=1"' in response.get_data(as_text=True)


def test_every_template_rendered_as_a_step_has_a_step_block():
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (PROJECT_ROOT / "absher_web").rglob("*.py"))
    # Named to render_step, to show_next (after an endpoint) or to a CodeStep (likewise).
    templates = set(re.findall(
        r'(?:render_step|show_next|CodeStep)\(\s*(?:"[^"]*",\s*)?"([^"]+\.html)"', sources))
    assert len(templates) >= 16
    # Each e-service's page, rendered as a step by web/eservices/base.py.
    from absher_web.web.eservices import REGISTRY

    templates |= {service.template for service in REGISTRY}
    missing = [name for name in sorted(templates)
               if "{% block step %}" not in (PROJECT_ROOT / "templates" / name).read_text()]
    assert missing == []


@pytest.mark.parametrize("path", ["password", "email", "language"])
def test_htmx_posts_to_every_account_page_get_a_fragment(client, make_account, sms_outbox, path):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    page = client.get(f"/en/account/{path}")
    response = client.post(f"/en/account/{path}", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf_of(page), "email": ["a@x.sa", "b@x.sa"],
                                 "preferred_language": "xx"})
    assert response.status_code == 422
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "data-error-summary" in fragment
