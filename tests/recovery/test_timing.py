"""Recovery's first step takes the same time whether or not the ID and mobile match."""

from __future__ import annotations

import time

import pytest

from tests.recovery.test_recovery import hidden

VISUAL_CODE = "24680"


@pytest.mark.timing
def test_a_match_costs_the_same_time_as_no_match(app, client, make_account):
    # A real bcrypt cost, and room under the per-address and per-ID limits for every try.
    app.config.update(BCRYPT_ROUNDS=10, CAPTCHA_FIXED_ANSWER=VISUAL_CODE,
                      RATELIMIT_RECOVER="1000 per hour", RATELIMIT_RECOVER_PER_ID="1000 per hour")
    account = make_account()

    def timed(mobile: str, expected_status: int) -> float:
        page = client.get("/en/recover")
        data = {"csrf_token": hidden(page, "csrf_token"), "national_id": account.national_id,
                "mobile": mobile, "captcha_token": hidden(page, "captcha_token"),
                "captcha_answer": VISUAL_CODE}
        started = time.perf_counter()
        response = client.post("/en/recover", data=data)
        elapsed = time.perf_counter() - started
        assert response.status_code == expected_status
        return elapsed

    timed(account.mobile, 303), timed("0559990000", 422)  # warm-up: the dummy hash is made once
    match, no_match = [], []
    for _ in range(5):  # interleaved, so a slow moment of the machine hits both alike
        match.append(timed(account.mobile, 303))
        no_match.append(timed("0559990000", 422))
    # The fastest of each: a busy machine only ever adds time (see test_sign_in's twin).
    ratio = min(no_match) / min(match)
    assert 0.75 < ratio < 1.33, (match, no_match)
