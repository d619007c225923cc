"""Per-address limits on the registration and resend POSTs."""

from __future__ import annotations

from tests.pages import parse


def test_register_posts_are_limited_per_address(app, registrant):
    app.config["RATELIMIT_REGISTER"] = "2 per minute"
    for _ in range(2):
        assert registrant.submit(username="bad").status_code == 422
    response = registrant.submit(username="bad")
    assert response.status_code == 429
    assert parse(response).h1.get_text(strip=True) == "Too many attempts"
    # Another address is not affected.
    other = registrant.client.post("/en/register", data={},
                                   environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code != 429


def test_showing_the_form_is_not_limited_by_the_post_limit(app, registrant):
    app.config["RATELIMIT_REGISTER"] = "1 per minute"
    registrant.submit(username="bad")
    for _ in range(3):
        assert registrant.client.get("/en/register").status_code == 200


def test_resend_is_limited_per_address(app, registrant, sms_outbox):
    app.config["RATELIMIT_RESEND"] = "1 per minute"
    registrant.submit()
    registrant.resend()
    assert registrant.resend().status_code == 429
