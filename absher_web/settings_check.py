"""Settings checked at start-up: every problem named on its own line, and no start.

A wrong rate-limit string, number, duration, URL or address never turns a protection off
silently; production refuses what is only safe on a developer's machine. The values come
from config.py (read from ABSHER_* variables); `flask absher check-config` prints them.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from limits import parse_many
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from absher_web.config import DEVELOPMENT_SECRET_KEY, UNREADABLE_SETTINGS

# Every setting that holds rate limits ("10 per minute;60 per hour").
RATE_LIMIT_SETTINGS = (
    "RATELIMIT_DEFAULT", "RATELIMIT_REGISTER", "RATELIMIT_RESEND", "RATELIMIT_SIGN_IN",
    "RATELIMIT_CHANGE_MOBILE", "RATELIMIT_RECOVER", "RATELIMIT_RECOVER_PER_ID",
    "RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE", "RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE_PER_ID",
    "RATELIMIT_API", "RATELIMIT_STAFF_SIGN_IN", "RATELIMIT_VISUAL_CODE",
    "RATELIMIT_VISUAL_CODE_PER_TOKEN", "RATELIMIT_DRIVING_AUTHORISATION",
    "RATELIMIT_VEHICLE_SALE",
    "RATELIMIT_VERIFY",
)
# Numbers and durations (in seconds) with the range that makes sense for each.
RANGES = {
    "PROXY_COUNT": (0, 5), "IDLE_TIMEOUT_MINUTES": (1, 24 * 60),
    "SESSION_LIFETIME_SECONDS": (60, 7 * 86400), "OTP_TTL_SECONDS": (60, 600),
    "SMS_TIMEOUT": (1, 60), "SMS_RETRIES": (0, 5), "SMS_SEND_BUDGET_SECONDS": (1, 30),
    "SMS_MAX_IN_FLIGHT": (1, 64), "SMS_MAX_WAITING": (0, 64), "SMS_BREAKER_FAILURES": (1, 100),
    "SMS_BREAKER_PAUSE_SECONDS": (1, 3600),
    "SMS_MAX_ATTEMPTS": (1, 50), "SMS_CODES_PER_NUMBER_PER_HOUR": (1, 100),
    "SMS_CODES_PER_PERSON_PER_HOUR": (1, 100), "SMS_CODES_PER_HOUR": (1, 10_000_000),
    "ATM_ACTIVATION_DELAY_SECONDS": (1, 30 * 86400),
    "API_SIGNATURE_TOLERANCE_SECONDS": (30, 3600), "BCRYPT_ROUNDS": (4, 16),
    "CSRF_TIME_LIMIT": (60, 86400), "MAX_CONTENT_LENGTH": (4096, 10 * 1024 * 1024),
    "READINESS_TIMEOUT_SECONDS": (1, 30), "READINESS_CACHE_SECONDS": (0, 10),
    "REPLICA_MAX_LAG_SECONDS": (1, 300), "REPLICA_CHECK_SECONDS": (0, 60),
    "REPLICA_CONNECT_TIMEOUT_SECONDS": (2, 30), "REPLICA_OWN_WRITES_SECONDS": (1, 600),
    "RETAIN_EXPIRED_FLOWS_SECONDS": (3600, 365 * 86400),
    "RETAIN_SMS_RECORDS_SECONDS": (86400, 10 * 365 * 86400),
    "RETAIN_API_ANSWERS_SECONDS": (86400, 10 * 365 * 86400),
    "RETAIN_AUDIT_EVENTS_SECONDS": (30 * 86400, 20 * 365 * 86400),
    "RETAIN_ESERVICE_RECORDS_SECONDS": (30 * 86400, 20 * 365 * 86400),
    # Paid bills: never less than the law's ten years.
    "RETAIN_PAID_BILLS_SECONDS": (3653 * 86400, 30 * 366 * 86400),
    "RETAIN_UNPAID_BILLS_SECONDS": (30 * 86400, 20 * 365 * 86400),
    # A holder sees a year of looks at their record at least.
    "RETAIN_STAFF_LOOKS_SECONDS": (365 * 86400, 20 * 365 * 86400),
    "DATA_EXPORT_KEEP_SECONDS": (3600, 30 * 86400),
    "DATA_EXPORT_PAUSE_SECONDS": (60, 90 * 86400),
    "BANK_TIMEOUT_SECONDS": (1, 60),
    "MAX_DRIVING_AUTHORISATIONS": (1, 50), "DRIVING_AUTHORISATION_MAX_DAYS": (1, 3 * 365),
    "VISA_EXTENSION_WINDOW_DAYS": (1, 180), "VISA_EXTENSION_DAYS": (1, 365),
    # A fee is a bill, and a bill is never for nothing.
    "VISA_EXTENSION_FEE": (1, 100_000), "VISA_MAX_STAY_DAYS": (1, 2 * 365),
    "ABSENCE_WITHDRAWAL_DAYS": (1, 365), "BILL_LIFETIME_HOURS": (1, 30 * 24),
    # Halalas; 0 charges nothing (no bill is issued for nothing).
    "BIRTH_DELIVERY_FEE": (0, 10_000_000), "BIRTH_LATE_FINE": (0, 10_000_000),
    "BIRTH_REGISTRATION_DAYS": (1, 365),
    "VEHICLE_SALE_MIN_PRICE": (1, 10_000_000), "VEHICLE_SALE_MAX_PRICE": (1, 10_000_000),
    "VEHICLE_SALE_GOVERNMENT_FEE": (1, 10_000_000), "VEHICLE_SALE_PLATFORM_FEE": (1, 10_000_000),
    "VEHICLE_SALE_VAT_PERCENT": (0, 50), "VEHICLE_SALE_ANSWER_HOURS": (1, 30 * 24),
    "VEHICLE_SALE_PAY_HOURS": (1, 30 * 24), "VEHICLE_SALE_RESIDENT_CARS": (0, 20),
    # Residency and visas: halalas (a visa's fee is a bill, never for nothing), months, days.
    "EXIT_REENTRY_SINGLE_FEE": (1, 10_000_000), "EXIT_REENTRY_SINGLE_MONTHS": (1, 24),
    "EXIT_REENTRY_SINGLE_MONTH_FEE": (1, 10_000_000),
    "EXIT_REENTRY_MULTIPLE_FEE": (1, 10_000_000), "EXIT_REENTRY_MULTIPLE_MONTHS": (1, 24),
    "EXIT_REENTRY_MULTIPLE_MONTH_FEE": (1, 10_000_000), "EXIT_REENTRY_MAX_MONTHS": (1, 60),
    "VISA_PASSPORT_MARGIN_DAYS": (0, 730), "VISA_IQAMA_MARGIN_DAYS": (0, 730),
    "IQAMA_YEAR_FEE": (1, 10_000_000), "IQAMA_MAX_YEARS": (1, 10),
    "IQAMA_RENEWAL_WINDOW_DAYS": (1, 3650),
    "FINAL_EXIT_DAYS": (1, 365),
    # Halalas: a passport's fee is a bill, never for nothing.
    "PASSPORT_FEE_5_YEARS": (1, 10_000_000), "PASSPORT_FEE_10_YEARS": (1, 10_000_000),
    "PASSPORT_RENEWAL_MONTHS": (1, 120), "PASSPORT_TEN_YEARS_MIN_AGE": (0, 100),
    "PREMIUM_VISIT_VISA_FEE": (1, 10_000_000), "PREMIUM_VISA_OPEN_MAX": (1, 50),
    "DECORUM_OBJECTION_DAYS": (1, 365),
    # Files people send: bytes, pixels, and how long a file no record holds is kept.
    "UPLOAD_MAX_FILE_BYTES": (1024, 100 * 1024 * 1024),
    "UPLOAD_MAX_REQUEST_BYTES": (4096, 200 * 1024 * 1024),
    "UPLOAD_MAX_IMAGE_PIXELS": (10_000, 200_000_000),
    "RETAIN_UNATTACHED_UPLOADS_SECONDS": (3600, 30 * 86400),
    "TAHSEEN_OPEN_MAX": (1, 50),
    # The inbox: a month to ten years; 5 to 100 messages a page.
    "RETAIN_INBOX_SECONDS": (30 * 86400, 10 * 365 * 86400), "INBOX_PAGE_SIZE": (5, 100),
    # Devices and the security activity.
    "DEVICE_SEEN_EVERY_SECONDS": (10, 3600),
    "RETAIN_DEVICE_SESSIONS_SECONDS": (2 * 86400, 10 * 365 * 86400),
    "ACTIVITY_PAGE_SIZE": (5, 100),
}
# config keys whose names differ from their ABSHER_ variable
VARIABLE_NAMES = {
    "SESSION_LIFETIME_SECONDS": "SESSION_LIFETIME", "ATM_ACTIVATION_DELAY_SECONDS":
    "ATM_ACTIVATION_DELAY", "CSRF_TIME_LIMIT": "CSRF_TIME_LIMIT", "WTF_CSRF_TIME_LIMIT":
    "CSRF_TIME_LIMIT", "RETAIN_EXPIRED_FLOWS_SECONDS": "RETAIN_EXPIRED_FLOWS",
    "RETAIN_SMS_RECORDS_SECONDS": "RETAIN_SMS_RECORDS", "RETAIN_API_ANSWERS_SECONDS":
    "RETAIN_API_ANSWERS", "RETAIN_AUDIT_EVENTS_SECONDS": "RETAIN_AUDIT_EVENTS",
    "RETAIN_ESERVICE_RECORDS_SECONDS": "RETAIN_ESERVICE_RECORDS",
    "RETAIN_PAID_BILLS_SECONDS": "RETAIN_PAID_BILLS",
    "RETAIN_UNPAID_BILLS_SECONDS": "RETAIN_UNPAID_BILLS",
    "RETAIN_UNATTACHED_UPLOADS_SECONDS": "RETAIN_UNATTACHED_UPLOADS",
    "RETAIN_STAFF_LOOKS_SECONDS": "RETAIN_STAFF_LOOKS",
    "DATA_EXPORT_KEEP_SECONDS": "DATA_EXPORT_KEEP",
    "DATA_EXPORT_PAUSE_SECONDS": "DATA_EXPORT_PAUSE",
    "RETAIN_INBOX_SECONDS": "RETAIN_INBOX",
    "RETAIN_DEVICE_SESSIONS_SECONDS": "RETAIN_DEVICE_SESSIONS",
}
LIMIT_STORAGE_SCHEMES = {"memory", "redis", "rediss", "redis+unix", "redis+sentinel",
                         "redis+cluster", "memcached", "mongodb", "mongodb+srv"}
SECRETS = ("SECRET_KEY", "API_KEY_ENCRYPTION_KEY", "SMS_API_KEY", "METRICS_TOKEN",
           "CAPTCHA_FIXED_ANSWER")


class SettingsError(RuntimeError):
    """The settings cannot be used; the message has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Absher Web cannot start with these settings:\n"
                         + "\n".join(f"- {problem}" for problem in problems))
        self.problems = problems


def variable(key: str) -> str:
    return f"ABSHER_{VARIABLE_NAMES.get(key, key)}"


def value_of(config: Mapping, key: str):
    return config.get("WTF_CSRF_TIME_LIMIT") if key == "CSRF_TIME_LIMIT" else config.get(key)


def problems(config: Mapping) -> list[str]:
    """What is wrong with these settings in any environment."""
    found = list(UNREADABLE_SETTINGS)
    for key in RATE_LIMIT_SETTINGS:
        text = config.get(key)
        try:
            if not parse_many(text or ""):
                raise ValueError
        except ValueError:
            found.append(f"{variable(key)}={text!r} is not a rate limit such as "
                         "'10 per minute;60 per hour'.")
    for key, (lowest, highest) in RANGES.items():
        number = value_of(config, key)
        if isinstance(number, int) and not lowest <= number <= highest:
            found.append(f"{variable(key)}={number} is outside {lowest}..{highest}.")
    if (isinstance(config.get("VISA_EXTENSION_DAYS"), int)
            and isinstance(config.get("VISA_MAX_STAY_DAYS"), int)
            and config["VISA_EXTENSION_DAYS"] > config["VISA_MAX_STAY_DAYS"]):
        found.append("ABSHER_VISA_EXTENSION_DAYS must not exceed ABSHER_VISA_MAX_STAY_DAYS.")
    found += url_problems(config)
    if config.get("SMS_BACKEND") not in ("file", "http"):
        found.append(f"ABSHER_SMS_BACKEND={config.get('SMS_BACKEND')!r} must be file or http.")
    if config.get("LOG_FORMAT") not in ("json", "text"):
        found.append(f"ABSHER_LOG_FORMAT={config.get('LOG_FORMAT')!r} must be json or text.")
    if not isinstance(logging.getLevelName(str(config.get("LOG_LEVEL"))), int):
        found.append(f"ABSHER_LOG_LEVEL={config.get('LOG_LEVEL')!r} is not a log level "
                     "(DEBUG, INFO, WARNING, ERROR).")
    if not config.get("ALLOWED_HOSTS"):
        found.append("ABSHER_ALLOWED_HOSTS must list the site's host names "
                     "(for example: absher.example.sa,www.absher.example.sa).")
    for entry in config.get("METRICS_ALLOWED_ADDRESSES") or ():
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            found.append(f"ABSHER_METRICS_ALLOWED_ADDRESSES: {entry!r} is not an address "
                         "or network.")
    for key in (config.get("API_KEY_ENCRYPTION_KEY") or "").split(","):
        try:
            if key.strip():
                Fernet(key.strip().encode())
        except (ValueError, TypeError):
            found.append("ABSHER_API_KEY_ENCRYPTION_KEY holds a value that is not a Fernet key "
                         "(32 url-safe base64-encoded bytes).")
    found += geoip_problems(config)
    return found


def geoip_problems(config: Mapping) -> list[str]:
    """A GeoIP file named must open as a MaxMind DB: else every place would be missing
    without anyone knowing why."""
    path = config.get("GEOIP_DATABASE")
    if not path:
        return []
    try:
        import maxminddb

        maxminddb.open_database(path).close()
    except (OSError, ValueError, maxminddb.InvalidDatabaseError):
        return [f"ABSHER_GEOIP_DATABASE={path!r} is not a readable MaxMind DB file (.mmdb)."]
    return []


def url_problems(config: Mapping) -> list[str]:
    found = []
    try:
        driver = make_url(config.get("DATABASE_URL") or "").get_backend_name()
        if driver not in ("sqlite", "postgresql"):
            found.append(f"ABSHER_DATABASE_URL names {driver!r}: use postgresql+psycopg:// "
                         "or sqlite:///.")
    except ArgumentError:
        found.append("ABSHER_DATABASE_URL is not a database URL such as "
                     "postgresql+psycopg://user:password@host/absher.")
    found += replica_url_problems(config)
    scheme = urlsplit(config.get("RATELIMIT_STORAGE_URI") or "").scheme
    if scheme not in LIMIT_STORAGE_SCHEMES:
        found.append(f"ABSHER_RATELIMIT_STORAGE_URI: {scheme or 'no'} scheme; use redis:// "
                     "(or memory:// for one process).")
    if config.get("SMS_BACKEND") == "http":
        sms_url = urlsplit(config.get("SMS_URL") or "")
        if sms_url.scheme not in ("http", "https") or not sms_url.netloc:
            found.append("ABSHER_SMS_URL must be the provider's http(s):// address for the "
                         "http SMS backend.")
        if not config.get("SMS_API_KEY"):
            found.append("ABSHER_SMS_API_KEY must be set for the http SMS backend.")
    return found


def replica_url_problems(config: Mapping) -> list[str]:
    """A read replica is a PostgreSQL standby of a PostgreSQL primary."""
    replica = config.get("DATABASE_REPLICA_URL")
    if not replica:
        return []
    try:
        replica_driver = make_url(replica).get_backend_name()
        primary_driver = make_url(config.get("DATABASE_URL") or "").get_backend_name()
    except ArgumentError:
        return ["ABSHER_DATABASE_REPLICA_URL is not a database URL such as "
                "postgresql+psycopg://user:password@replica-host/absher."]
    if replica_driver != "postgresql" or primary_driver != "postgresql":
        return ["ABSHER_DATABASE_REPLICA_URL needs PostgreSQL on both sides: a streaming "
                "replica of the PostgreSQL server in ABSHER_DATABASE_URL."]
    return []


def production_problems(config: Mapping) -> list[str]:
    """What is only safe on a developer's machine."""
    found = []
    key = config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 32:
        found.append("ABSHER_SECRET_KEY must be a random value of at least 32 characters "
                     "(python -c 'import secrets; print(secrets.token_urlsafe(48))').")
    if not config.get("API_KEY_ENCRYPTION_KEY"):
        found.append("ABSHER_API_KEY_ENCRYPTION_KEY must be set (python -c 'from "
                     "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())').")
    if config.get("CAPTCHA_FIXED_ANSWER"):
        found.append("ABSHER_CAPTCHA_FIXED_ANSWER is for development and tests only.")
    if (config.get("RATELIMIT_STORAGE_URI") or "").startswith("memory://"):
        found.append("ABSHER_RATELIMIT_STORAGE_URI=memory:// counts in each process apart: "
                     "use redis:// so every worker and machine shares one count.")
    if config.get("SMS_BACKEND") == "file":
        found.append("ABSHER_SMS_BACKEND=file writes messages to a file instead of sending "
                     "them: use http.")
    if (config.get("DATABASE_URL") or "").startswith("sqlite") and not config.get("ALLOW_SQLITE"):
        found.append("ABSHER_DATABASE_URL is SQLite: use PostgreSQL, or set "
                     "ABSHER_ALLOW_SQLITE=on for a single-process site.")
    if config.get("CATALOGS_LIVE"):
        found.append("ABSHER_CATALOGS_LIVE=on (the translators' live preview) is for "
                     "development only: set it off.")
    if config.get("PSEUDO_LANGUAGES"):
        found.append("The pseudo-locales are for development and tests only "
                     "(PSEUDO_LANGUAGES).")
    if isinstance(config.get("BCRYPT_ROUNDS"), int) and config["BCRYPT_ROUNDS"] < 10:
        found.append(f"ABSHER_BCRYPT_ROUNDS={config['BCRYPT_ROUNDS']} is too cheap for "
                     "production: at least 10 (12 is the default).")
    return found


def check(config: Mapping, production: bool) -> None:
    found = problems(config) + (production_problems(config) if production else [])
    if found:
        raise SettingsError(found)


def effective_settings(config: Mapping) -> list[tuple[str, str]]:
    """Every setting an operator may change, as (ABSHER_ variable, value), secrets masked."""
    from absher_web import config as config_module

    ours = set(dir(config_module.ProductionConfig)) | set(dir(config_module.Config))
    names = sorted(key for key in config if key.isupper() and key in ours
                   and key not in ("LANGUAGES", "BABEL_TRANSLATION_DIRECTORIES",
                                   "PSEUDO_LANGUAGES"))
    shown = []
    for key in names:
        value = value_of(config, key)
        if key in SECRETS and value:
            value = "•••••• (set)"
        elif key in ("DATABASE_URL", "DATABASE_REPLICA_URL") and value:
            value = make_url(value).render_as_string(hide_password=True)
        shown.append((variable(key), "" if value is None else str(value)))
    return shown
