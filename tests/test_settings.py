"""Settings that fail loudly: every problem on its own line, a non-zero exit, and
`check-config` to see what is in effect (secrets masked)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from absher_web.config import PROJECT_ROOT

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free


def absher(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ABSHER_")}
    env.update(environment)
    return subprocess.run([sys.executable, "-c", "from absher_web.cli import main; main()",
                           *args], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=60)


def test_every_unusable_setting_is_named_and_nothing_starts():
    result = absher("check-config", ABSHER_PROXY_COUNT="one",
                    ABSHER_RATELIMIT_REGISTER="10 per minite", ABSHER_RATELIMIT_SIGN_IN="banana",
                    ABSHER_SESSION_LIFETIME="forever", ABSHER_OTP_TTL_SECONDS="5",
                    ABSHER_RECOVERY_SECURITY_QUESTION="maybe",
                    ABSHER_METRICS_ALLOWED_ADDRESSES="10.0.0.0/8,somewhere",
                    ABSHER_DATABASE_URL="mysql://db/absher", ABSHER_LOG_LEVEL="LOUD")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    expected = ["ABSHER_PROXY_COUNT='one'", "ABSHER_RATELIMIT_REGISTER='10 per minite'",
                "ABSHER_RATELIMIT_SIGN_IN='banana'", "ABSHER_SESSION_LIFETIME",
                "ABSHER_OTP_TTL_SECONDS=5 ", "ABSHER_RECOVERY_SECURITY_QUESTION='maybe'",
                "'somewhere'", "ABSHER_DATABASE_URL names 'mysql'", "ABSHER_LOG_LEVEL='LOUD'"]
    for named in expected:
        assert sum(named in line for line in lines) == 1, (named, result.stderr)
    assert "Traceback" not in result.stderr


def test_a_misspelt_limit_never_turns_the_limit_off():
    result = absher("check-config", ABSHER_RATELIMIT_REGISTER="10 per minite")
    assert result.returncode == 2 and "10 per minite" in result.stderr


def test_check_config_prints_the_settings_with_secrets_masked(tmp_path):
    result = absher("check-config", ABSHER_SECRET_KEY="s3cr3t-value-never-printed",
                    ABSHER_DATABASE_URL="postgresql+psycopg://absher:pa55word@db/absher",
                    ABSHER_SMS_FILE=str(tmp_path / "sms.jsonl"))
    assert result.returncode == 0, result.stderr
    assert "s3cr3t-value-never-printed" not in result.stdout and "pa55word" not in result.stdout
    assert "ABSHER_SECRET_KEY=•••••• (set)" in result.stdout
    assert "ABSHER_DATABASE_URL=postgresql+psycopg://absher:***@db/absher" in result.stdout
    assert "ABSHER_RATELIMIT_REGISTER=10 per minute;60 per hour" in result.stdout
    assert result.stdout.rstrip().endswith("The settings are valid.")


@pytest.mark.parametrize("value", ["0", "-1", "59", "601"])
def test_numbers_out_of_range_are_refused(value):
    result = absher("check-config", ABSHER_OTP_TTL_SECONDS=value)
    assert result.returncode == 2 and "ABSHER_OTP_TTL_SECONDS" in result.stderr


def test_the_eservices_limits_are_checked(app):
    from absher_web.settings_check import problems

    config = {**app.config, "MAX_DRIVING_AUTHORISATIONS": 0, "VISA_EXTENSION_DAYS": 200,
              "VISA_MAX_STAY_DAYS": 150, "ABSENCE_WITHDRAWAL_DAYS": 400,
              "RATELIMIT_DRIVING_AUTHORISATION": "ten a day",
              "RETAIN_ESERVICE_RECORDS_SECONDS": 60, "VISA_EXTENSION_FEE": 0,
              "BILL_LIFETIME_HOURS": 0}
    found = "\n".join(problems(config))
    # A fee is a bill, and a bill is for something, payable for some time.
    assert "ABSHER_VISA_EXTENSION_FEE=0 is outside 1..100000." in found
    assert "ABSHER_BILL_LIFETIME_HOURS=0 is outside 1..720." in found
    assert "ABSHER_MAX_DRIVING_AUTHORISATIONS=0 is outside 1..50." in found
    assert "ABSHER_VISA_EXTENSION_DAYS must not exceed ABSHER_VISA_MAX_STAY_DAYS." in found
    assert "ABSHER_ABSENCE_WITHDRAWAL_DAYS=400 is outside 1..365." in found
    assert "ABSHER_RATELIMIT_DRIVING_AUTHORISATION='ten a day' is not a rate limit" in found
    assert "ABSHER_RETAIN_ESERVICE_RECORDS=60 is outside" in found
    assert problems(app.config) == []
