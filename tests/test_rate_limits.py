"""Per-address limits: a translated 429 page, and one shared count across processes."""

from __future__ import annotations

import os
import uuid

import pytest

from absher_web import create_app
from absher_web.config import TestConfig

REDIS_URL = os.environ.get("ABSHER_TEST_REDIS_URL")


def limited_app(storage_uri: str, prefix: str):
    config = type(
        "LimitedConfig",
        (TestConfig,),
        {
            "RATELIMIT_STORAGE_URI": storage_uri,
            "RATELIMIT_DEFAULT": "3 per minute",
            "RATELIMIT_KEY_PREFIX": prefix,
        },
    )
    return create_app(config)


# A page rendered for this request (a search): pages from memory are not counted (below).
COUNTED = "/{lang}/services?q=passport"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_too_many_requests_get_a_translated_429_page(lang):
    client = limited_app("memory://", uuid.uuid4().hex).test_client()
    for _ in range(3):
        assert client.get(COUNTED.format(lang=lang)).status_code == 200
    response = client.get(COUNTED.format(lang=lang))
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in body
    assert ("Too many attempts" if lang == "en" else "تجاوزت عدد المحاولات المسموح به") in body


def test_static_files_are_not_counted():
    app = limited_app("memory://", uuid.uuid4().hex)
    client = app.test_client()
    for _ in range(5):
        assert client.get("/static/css/site.css").status_code == 200


def test_pages_from_memory_and_untouched_forms_are_not_counted():
    # They write nothing and cost less than counting them (web/page_cache.py); what they
    # lead to (a POST, a visual-code image) is counted.
    client = limited_app("memory://", uuid.uuid4().hex).test_client()
    for _ in range(5):
        for path in ("/en/about", "/ar/", "/en/register", "/ar/individuals/login",
                     "/en/recover", "/en/staff/sign-in"):
            assert client.get(path).status_code == 200, path
    # Rendered for the request, so counted (each page apart, as ever).
    for _ in range(3):
        assert client.get("/en/register?expired=1").status_code == 422
    assert client.get("/en/register?expired=1").status_code == 429
    for _ in range(3):
        assert client.get(COUNTED.format(lang="en")).status_code == 200
    assert client.get(COUNTED.format(lang="en")).status_code == 429


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set ABSHER_TEST_REDIS_URL to test shared limits")
def test_redis_storage_shares_one_count_between_processes():
    prefix = f"absher-test-{uuid.uuid4().hex}"
    first = limited_app(REDIS_URL, prefix).test_client()
    for _ in range(3):
        assert first.get(COUNTED.format(lang="en")).status_code == 200
    # A second app process starts with its own memory, but the count lives in Redis.
    second = limited_app(REDIS_URL, prefix).test_client()
    assert second.get(COUNTED.format(lang="en")).status_code == 429


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_429_step_through_htmx_names_its_page_the_limit_and_the_wait(lang):
    # Sign-in allows 3 an hour here: the page says so (not "a few minutes") and how long
    # to wait, and the step htmx swaps in carries its own title.
    app = limited_app("memory://", uuid.uuid4().hex)
    app.config["RATELIMIT_SIGN_IN"] = "3 per hour"
    client = app.test_client()
    form = {"identifier": "Nosuchuser1", "password": "Wrong-password-1"}
    app.config["WTF_CSRF_ENABLED"] = False
    htmx = {"HX-Request": "true"}
    for _ in range(3):
        assert client.post(f"/{lang}/individuals/login", data=form, headers=htmx
                           ).status_code != 429
    response = client.post(f"/{lang}/individuals/login", data=form, headers=htmx)
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 3500 < wait <= 3600
    body = response.get_data(as_text=True)
    assert "<html" not in body  # a fragment
    if lang == "en":
        assert "<title>Too many attempts – Absher</title>" in body
        assert "This can be done at most 3 times an hour." in body
        assert "Try again in 60 minutes." in body
    else:
        assert "<title>تجاوزت عدد المحاولات المسموح به – أبشر</title>" in body
        assert "3 مرات في الساعة" in body
        assert "60 دقيقة" in body
    assert "few minutes" not in body


def test_the_wait_is_said_in_minutes_then_hours():
    from absher_web.web.errors import wait_sentence

    app = limited_app("memory://", uuid.uuid4().hex)
    with app.test_request_context("/en/"):
        assert wait_sentence(1) == "Try again in 1 minute."
        assert wait_sentence(61) == "Try again in 2 minutes."
        assert wait_sentence(119 * 60) == "Try again in 119 minutes."
        assert wait_sentence(23 * 3600) == "Try again in 23 hours."
