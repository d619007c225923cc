"""Configuration classes, read from ABSHER_* environment variables.

Every setting a deployer may change is listed in README.md's settings table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout holding this package (only meaningful when running from one).
PROJECT_ROOT = PACKAGE_DIR.parent
# Where templates/, static/, translations/, migrations/ and alembic.ini are: a built wheel
# carries them inside the package (setup.py's build step copies them there and compiles the
# catalogs); a checkout (editable install, make run, the tests) keeps them at its top.
IS_CHECKOUT = not (PACKAGE_DIR / "templates").is_dir()
SITE_ROOT = PROJECT_ROOT if IS_CHECKOUT else PACKAGE_DIR
TEMPLATES_DIR = SITE_ROOT / "templates"
STATIC_DIR = SITE_ROOT / "static"
TRANSLATIONS_DIR = SITE_ROOT / "translations"
MIGRATIONS_DIR = SITE_ROOT / "migrations"
ALEMBIC_INI = SITE_ROOT / "alembic.ini"
# Files the site writes (the development database, the file SMS backend, retained static
# builds): ABSHER_INSTANCE_DIR, else instance/ in a checkout, else Flask's own default for an
# installed package, <prefix>/var/absher_web-instance.
_DEFAULT_INSTANCE_DIR = (PROJECT_ROOT / "instance" if IS_CHECKOUT
                         else Path(sys.prefix) / "var" / "absher_web-instance")
INSTANCE_DIR = Path(os.environ.get("ABSHER_INSTANCE_DIR") or _DEFAULT_INSTANCE_DIR).resolve()

# Placeholder keys that must never reach production.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


# Values that could not be read, one line each. A setting is never silently ignored:
# create_app refuses to start while this list (or settings_check's) is not empty.
UNREADABLE_SETTINGS: list[str] = []


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"ABSHER_{name}", default)


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value in (None, ""):
        return default
    try:
        return int(value.strip())
    except ValueError:
        UNREADABLE_SETTINGS.append(f"ABSHER_{name}={value!r} is not a whole number.")
        return default


TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value in (None, ""):
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        UNREADABLE_SETTINGS.append(f"ABSHER_{name}={value!r} is not on or off.")
        return default
    return word in TRUE_WORDS


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in "90", "90s", "30m", "48h" or "2d"."""
    text = text.strip().lower()
    unit = DURATION_UNITS.get(text[-1:], None) if text else None
    number = text[:-1] if unit else text
    if not number.isdigit():
        raise RuntimeError(f"{text!r} is not a duration such as 48h, 30m, 2d or 90s")
    return int(number) * (unit or 1)


def env_duration(name: str, default: str) -> int:
    try:
        return parse_duration(env(name) or default)
    except RuntimeError as problem:
        UNREADABLE_SETTINGS.append(f"ABSHER_{name}: {problem}.")
        return parse_duration(default)


def env_list(name: str, default: str) -> tuple[str, ...]:
    """Comma-separated values, lower-cased, blanks dropped."""
    value = env(name)
    text = default if value is None else value
    return tuple(item.strip().lower() for item in text.split(",") if item.strip())


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    DATABASE_URL = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'absher.sqlite3'}")

    # Arabic is the default locale; the path always names the language.
    LANGUAGES = ("ar", "en")
    BABEL_DEFAULT_LOCALE = "ar"
    BABEL_DEFAULT_TIMEZONE = "Asia/Riyadh"
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS_DIR)
    # Development reads the .po files and reads one again when it is saved (a translator's
    # live preview, absher_web/catalog_runtime.py), which also keeps public pages out of
    # memory; ABSHER_CATALOGS_LIVE=off runs development as production serves (the
    # benchmarks do), and production refuses on. Not a setting: the pseudo-locales /xa/ and
    # /xb/ exist in development and tests, never in production.
    CATALOGS_LIVE = env_bool("CATALOGS_LIVE", False)
    PSEUDO_LANGUAGES: tuple[str, ...] = ()

    WTF_CSRF_TIME_LIMIT = env_int("CSRF_TIME_LIMIT", 3600)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 64 * 1024)

    SESSION_COOKIE_NAME = "absher_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    LANGUAGE_COOKIE_NAME = "absher_lang"
    # The name the language cookie had in production before it took the __Host- prefix:
    # read when the new one is missing, then removed, so nobody loses their choice.
    LANGUAGE_COOKIE_OLD_NAME = "absher_lang"

    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    # The site's own host names: any other Host (or X-Forwarded-Host) gets 400 before a view
    # runs, and the first is the origin named in SMS (WebOTP). Required in production.
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
    # A generous ceiling on every route per client address; flows add tighter ones.
    RATELIMIT_DEFAULT = env("RATELIMIT_DEFAULT", "300 per minute")
    RATELIMIT_HEADERS_ENABLED = False
    # Prepended to every key in the limits' storage: sites sharing one Redis keep apart.
    RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "absher")
    # Per client address, on the POSTs that cost an SMS or a password hash.
    RATELIMIT_REGISTER = env("RATELIMIT_REGISTER", "10 per minute;60 per hour")
    RATELIMIT_RESEND = env("RATELIMIT_RESEND", "3 per minute;20 per hour")
    RATELIMIT_SIGN_IN = env("RATELIMIT_SIGN_IN", "10 per minute;100 per hour")
    # Per signed-in account, each code sent to a new number: it is an SMS to a number of
    # the person's choosing, so it is counted per account, not per address.
    RATELIMIT_CHANGE_MOBILE = env("RATELIMIT_CHANGE_MOBILE", "3 per hour;10 per day")
    # Recovery, per client address and per ID number; much tighter without the visual code.
    RATELIMIT_RECOVER = env("RATELIMIT_RECOVER", "10 per hour")
    RATELIMIT_RECOVER_PER_ID = env("RATELIMIT_RECOVER_PER_ID", "5 per hour")
    RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE = env("RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE",
                                                "3 per hour")
    RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE_PER_ID = env(
        "RATELIMIT_RECOVER_WITHOUT_VISUAL_CODE_PER_ID", "2 per day")
    # "off" skips the security question in recovery (OWASP ASVS 6.4.2); see SECURITY.md.
    RECOVERY_SECURITY_QUESTION = env_bool("RECOVERY_SECURITY_QUESTION", True)

    # A signed-in session ends after this many minutes without a request.
    IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 15)
    # ... and in any case this long after signing in, however active (citizens and officers).
    SESSION_LIFETIME_SECONDS = env_duration("SESSION_LIFETIME", "12h")
    # Devices (services/devices.py): a session's "last seen" is written at most this often,
    # so a request is not a write; ended session rows are kept this long, then purged.
    DEVICE_SEEN_EVERY_SECONDS = env_int("DEVICE_SEEN_EVERY_SECONDS", 300)
    RETAIN_DEVICE_SESSIONS_SECONDS = env_duration("RETAIN_DEVICE_SESSIONS", "90d")
    # A MaxMind DB file (GeoLite2 City or Country) to name the rough place of a sign-in;
    # none: the Devices page and the security activity name no place.
    GEOIP_DATABASE = env("GEOIP_DATABASE")
    # The security activity page shows this many events at a time.
    ACTIVITY_PAGE_SIZE = env_int("ACTIVITY_PAGE_SIZE", 20)

    SMS_BACKEND = env("SMS_BACKEND", "file")
    SMS_FILE = env("SMS_FILE", str(INSTANCE_DIR / "sms.jsonl"))
    SMS_URL = env("SMS_URL")
    SMS_API_KEY = env("SMS_API_KEY")
    SMS_TIMEOUT = env_int("SMS_TIMEOUT", 5)
    SMS_RETRIES = env_int("SMS_RETRIES", 2)
    # All the tries of one message together never take longer than this (seconds).
    SMS_SEND_BUDGET_SECONDS = env_int("SMS_SEND_BUDGET_SECONDS", 3)
    # Per process (absher_web/sms_gateway.py): at most this many sends wait on the provider
    # at once, and at most this many more wait for one of them to finish (within the send
    # budget); any further send is refused at once, so a hanging provider never holds
    # every thread (gunicorn gives each process 4).
    SMS_MAX_IN_FLIGHT = env_int("SMS_MAX_IN_FLIGHT", 2)
    SMS_MAX_WAITING = env_int("SMS_MAX_WAITING", 1)
    # After this many failures in a row (timeouts, unreachable, 5xx), codes are refused at
    # once ("try again in N minutes") for this many seconds; then one send tries again.
    SMS_BREAKER_FAILURES = env_int("SMS_BREAKER_FAILURES", 3)
    SMS_BREAKER_PAUSE_SECONDS = env_int("SMS_BREAKER_PAUSE_SECONDS", 60)
    # The site's host name for the WebOTP line in code messages (default: the first of
    # ALLOWED_HOSTS; never the request's Host header).
    SMS_ORIGIN_HOST = env("SMS_ORIGIN_HOST")
    # Hourly budgets for code SMS, counted exactly across every process (sms_budgets table):
    # per mobile number, per person (ID number, whatever the journey) and for the whole site.
    SMS_CODES_PER_NUMBER_PER_HOUR = env_int("SMS_CODES_PER_NUMBER_PER_HOUR", 5)
    SMS_CODES_PER_PERSON_PER_HOUR = env_int("SMS_CODES_PER_PERSON_PER_HOUR", 10)
    SMS_CODES_PER_HOUR = env_int("SMS_CODES_PER_HOUR", 50000)

    # A refund instruction waits this long for the bank's answer (services/refunds.py).
    BANK_TIMEOUT_SECONDS = env_int("BANK_TIMEOUT_SECONDS", 10)
    # Banks' refund URLs may be http://127.0.0.1 (a stand-in bank on this machine): in
    # development and tests only; production takes https:// only.
    LOCAL_BANK_URLS = False

    # Failed notices (not codes) are sent again by `flask absher run-due`, this many tries in all.
    SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 10)

    # An ATM activation takes effect this long after the bank's request (the seed: two days).
    ATM_ACTIVATION_DELAY_SECONDS = env_duration("ATM_ACTIVATION_DELAY", "48h")
    # Bank and kiosk signing keys are stored encrypted with this Fernet key; several,
    # comma-separated, allow rotation (the first encrypts). Derived from SECRET_KEY if unset.
    API_KEY_ENCRYPTION_KEY = env("API_KEY_ENCRYPTION_KEY")
    # A signed API request is refused when its timestamp is further off than this.
    API_SIGNATURE_TOLERANCE_SECONDS = env_int("API_SIGNATURE_TOLERANCE_SECONDS", 300)
    RATELIMIT_API = env("RATELIMIT_API", "600 per minute")
    RATELIMIT_STAFF_SIGN_IN = env("RATELIMIT_STAFF_SIGN_IN", "10 per minute;50 per hour")
    # Visual-code images and recordings (drawing one costs more CPU than a page): per
    # address, and per token (a form shows one code; a few reloads and replays are plenty).
    RATELIMIT_VISUAL_CODE = env("RATELIMIT_VISUAL_CODE", "30 per minute;300 per hour")
    RATELIMIT_VISUAL_CODE_PER_TOKEN = env("RATELIMIT_VISUAL_CODE_PER_TOKEN", "10 per 10 minutes")

    BCRYPT_ROUNDS = env_int("BCRYPT_ROUNDS", 12)

    # E-services' limits (services/eservices/; settings_check gives each its range).
    # A person holds at most this many driving authorisations, waiting or accepted.
    MAX_DRIVING_AUTHORISATIONS = env_int("MAX_DRIVING_AUTHORISATIONS", 3)
    # An authorisation lasts at most this many days.
    DRIVING_AUTHORISATION_MAX_DAYS = env_int("DRIVING_AUTHORISATION_MAX_DAYS", 365)
    # Per owner account: authorisations given (each texts the person authorised).
    RATELIMIT_DRIVING_AUTHORISATION = env("RATELIMIT_DRIVING_AUTHORISATION", "10 per day")
    # Vehicle sale offers one account may make (each texts the buyer); refusals not counted.
    RATELIMIT_VEHICLE_SALE = env("RATELIMIT_VEHICLE_SALE", "10 per day")
    # A visit visa may be extended in the last this many days before it expires, by this
    # many days, for this fee (whole riyals, paid as a bill), up to this many days' stay
    # from entry in all.
    VISA_EXTENSION_WINDOW_DAYS = env_int("VISA_EXTENSION_WINDOW_DAYS", 30)
    VISA_EXTENSION_DAYS = env_int("VISA_EXTENSION_DAYS", 90)
    VISA_EXTENSION_FEE = env_int("VISA_EXTENSION_FEE", 100)
    VISA_MAX_STAY_DAYS = env_int("VISA_MAX_STAY_DAYS", 180)
    # A fee's bill (services/bills.py) may be paid for this many hours after it is issued
    # (a visa extension's bill no later than the visa's last day). 72 hours: a bill issued
    # on a Thursday evening can still be paid on the Sunday, the next working day, at a
    # branch or by someone who has to ask a relative to pay; and a request is not held
    # open much longer than the rules it was checked against are likely to stay true.
    BILL_LIFETIME_HOURS = env_int("BILL_LIFETIME_HOURS", 72)
    # Birth registration (services/births.py): the fee for delivering the birth certificate
    # and family record to the national address by post, and the fine for a birth
    # registered more than BIRTH_REGISTRATION_DAYS after it, both in halalas (0: none).
    BIRTH_DELIVERY_FEE = env_int("BIRTH_DELIVERY_FEE", 3000)
    BIRTH_LATE_FINE = env_int("BIRTH_LATE_FINE", 10000)
    BIRTH_REGISTRATION_DAYS = env_int("BIRTH_REGISTRATION_DAYS", 30)
    # Vehicle sale (services/vehicle_sales.py): the price's bounds (whole riyals), the
    # government fee and the platform's fee (halalas; the platform's includes VAT at
    # VEHICLE_SALE_VAT_PERCENT), how long the buyer has to answer an offer and, once
    # accepted, to pay, and how many private cars a resident may own.
    VEHICLE_SALE_MIN_PRICE = env_int("VEHICLE_SALE_MIN_PRICE", 500)
    VEHICLE_SALE_MAX_PRICE = env_int("VEHICLE_SALE_MAX_PRICE", 1_000_000)
    VEHICLE_SALE_GOVERNMENT_FEE = env_int("VEHICLE_SALE_GOVERNMENT_FEE", 15000)
    VEHICLE_SALE_PLATFORM_FEE = env_int("VEHICLE_SALE_PLATFORM_FEE", 23000)
    VEHICLE_SALE_VAT_PERCENT = env_int("VEHICLE_SALE_VAT_PERCENT", 15)
    VEHICLE_SALE_ANSWER_HOURS = env_int("VEHICLE_SALE_ANSWER_HOURS", 72)
    VEHICLE_SALE_PAY_HOURS = env_int("VEHICLE_SALE_PAY_HOURS", 48)
    VEHICLE_SALE_RESIDENT_CARS = env_int("VEHICLE_SALE_RESIDENT_CARS", 2)
    # Residency and visas (services/residency.py), fees in halalas. An exit/re-entry visa:
    # single, SINGLE_FEE for up to SINGLE_MONTHS and SINGLE_MONTH_FEE each further month;
    # multiple, the same with MULTIPLE_; an extension pays the month fee for each month it
    # adds; MAX_MONTHS in all. The passport must stay valid VISA_PASSPORT_MARGIN_DAYS and
    # the iqama VISA_IQAMA_MARGIN_DAYS after the visa's last day. An iqama is renewed for
    # 1 to IQAMA_MAX_YEARS years at IQAMA_YEAR_FEE a year, in its last
    # IQAMA_RENEWAL_WINDOW_DAYS. A final exit visa is free (the public rule) and gives
    # FINAL_EXIT_DAYS to leave.
    EXIT_REENTRY_SINGLE_FEE = env_int("EXIT_REENTRY_SINGLE_FEE", 20000)
    EXIT_REENTRY_SINGLE_MONTHS = env_int("EXIT_REENTRY_SINGLE_MONTHS", 2)
    EXIT_REENTRY_SINGLE_MONTH_FEE = env_int("EXIT_REENTRY_SINGLE_MONTH_FEE", 10000)
    EXIT_REENTRY_MULTIPLE_FEE = env_int("EXIT_REENTRY_MULTIPLE_FEE", 50000)
    EXIT_REENTRY_MULTIPLE_MONTHS = env_int("EXIT_REENTRY_MULTIPLE_MONTHS", 3)
    EXIT_REENTRY_MULTIPLE_MONTH_FEE = env_int("EXIT_REENTRY_MULTIPLE_MONTH_FEE", 20000)
    EXIT_REENTRY_MAX_MONTHS = env_int("EXIT_REENTRY_MAX_MONTHS", 24)
    VISA_PASSPORT_MARGIN_DAYS = env_int("VISA_PASSPORT_MARGIN_DAYS", 90)
    VISA_IQAMA_MARGIN_DAYS = env_int("VISA_IQAMA_MARGIN_DAYS", 0)
    IQAMA_YEAR_FEE = env_int("IQAMA_YEAR_FEE", 65000)
    IQAMA_MAX_YEARS = env_int("IQAMA_MAX_YEARS", 3)
    IQAMA_RENEWAL_WINDOW_DAYS = env_int("IQAMA_RENEWAL_WINDOW_DAYS", 180)
    FINAL_EXIT_DAYS = env_int("FINAL_EXIT_DAYS", 60)
    # Absher Passports (services/passports.py): the fee of a Saudi passport valid 5 or 10
    # years, in halalas (300 and 600 riyals); a valid passport is renewed only within
    # PASSPORT_RENEWAL_MONTHS of its expiry; a holder younger than PASSPORT_TEN_YEARS_MIN_AGE
    # gets a 5-year passport only (the Directorate's rule: 21).
    PASSPORT_FEE_5_YEARS = env_int("PASSPORT_FEE_5_YEARS", 30000)
    PASSPORT_FEE_10_YEARS = env_int("PASSPORT_FEE_10_YEARS", 60000)
    PASSPORT_RENEWAL_MONTHS = env_int("PASSPORT_RENEWAL_MONTHS", 6)
    PASSPORT_TEN_YEARS_MIN_AGE = env_int("PASSPORT_TEN_YEARS_MIN_AGE", 21)
    # Visas for Premium Residency holders (services/premium_visas.py): the visit visa's fee
    # in halalas (SAR 300, the visit visa fee since 2019), and how many requests a holder
    # may have open (not yet decided) at once.
    PREMIUM_VISIT_VISA_FEE = env_int("PREMIUM_VISIT_VISA_FEE", 30000)
    PREMIUM_VISA_OPEN_MAX = env_int("PREMIUM_VISA_OPEN_MAX", 5)
    # Tahseen (services/tahseen.py): how many tickets a holder may have waiting for an
    # answer at once.
    TAHSEEN_OPEN_MAX = env_int("TAHSEEN_OPEN_MAX", 3)
    # A domestic worker's absence report may be withdrawn this many days after it is made.
    ABSENCE_WITHDRAWAL_DAYS = env_int("ABSENCE_WITHDRAWAL_DAYS", 15)
    # Public decorum violations (services/decorum.py): a holder objects within this many days
    # of the violation's recording.
    DECORUM_OBJECTION_DAYS = env_int("DECORUM_OBJECTION_DAYS", 30)

    # Files people send (services/uploads.py): the largest file accepted, and the largest
    # body a page that takes files accepts (every other page keeps MAX_CONTENT_LENGTH); an
    # image larger than UPLOAD_MAX_IMAGE_PIXELS (width times height) is refused before it is
    # decoded; a file never attached to a record is deleted this long after it was sent.
    UPLOAD_MAX_FILE_BYTES = env_int("UPLOAD_MAX_FILE_BYTES", 5 * 1024 * 1024)
    UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 12 * 1024 * 1024)
    UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 30_000_000)
    RETAIN_UNATTACHED_UPLOADS_SECONDS = env_duration("RETAIN_UNATTACHED_UPLOADS", "1d")

    # Retention (flask absher purge, also run by run-due): how long each kind of row is kept.
    # Pending registrations, codes and recoveries: this long after they expire.
    RETAIN_EXPIRED_FLOWS_SECONDS = env_duration("RETAIN_EXPIRED_FLOWS", "1d")
    RETAIN_SMS_RECORDS_SECONDS = env_duration("RETAIN_SMS_RECORDS", "90d")
    RETAIN_API_ANSWERS_SECONDS = env_duration("RETAIN_API_ANSWERS", "30d")
    RETAIN_AUDIT_EVENTS_SECONDS = env_duration("RETAIN_AUDIT_EVENTS", "730d")
    # Ended driving authorisations, visa extensions, withdrawn absence reports, ended requests.
    RETAIN_ESERVICE_RECORDS_SECONDS = env_duration("RETAIN_ESERVICE_RECORDS", "730d")
    # Paid and refunded bills: ten years (with their leap days) from the payment or refund,
    # the record-keeping period of the Saudi Anti-Money Laundering Law. Expired and cancelled
    # unpaid bills, which moved no money: as long as the e-service records they belonged to.
    RETAIN_PAID_BILLS_SECONDS = env_duration("RETAIN_PAID_BILLS", "3653d")
    RETAIN_UNPAID_BILLS_SECONDS = env_duration("RETAIN_UNPAID_BILLS", "730d")
    # Who looked at my data: each look at a holder's record, shown to the holder this long.
    RETAIN_STAFF_LOOKS_SECONDS = env_duration("RETAIN_STAFF_LOOKS", "1825d")
    # Download my data: a copy is offered this long once ready (then its file is deleted),
    # and asked for again only this long after the last time.
    DATA_EXPORT_KEEP_SECONDS = env_duration("DATA_EXPORT_KEEP", "3d")
    DATA_EXPORT_PAUSE_SECONDS = env_duration("DATA_EXPORT_PAUSE", "7d")
    # The holder's inbox: each message this long after it was sent; a page shows this many.
    RETAIN_INBOX_SECONDS = env_duration("RETAIN_INBOX", "365d")
    INBOX_PAGE_SIZE = env_int("INBOX_PAGE_SIZE", 20)

    # Logs: "json" (one object per line, production's default) or "text".
    LOG_FORMAT = env("LOG_FORMAT", "text")
    LOG_LEVEL = (env("LOG_LEVEL") or "INFO").upper()
    # /metrics answers a request carrying "Authorization: Bearer <token>", or from these
    # addresses or networks (comma-separated); nobody else.
    METRICS_TOKEN = env("METRICS_TOKEN")
    METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")
    # /readyz gives up on the database or Redis after this many seconds.
    READINESS_TIMEOUT_SECONDS = env_int("READINESS_TIMEOUT_SECONDS", 2)
    # /readyz answers from its last check for this long (0: every probe checks anew).
    READINESS_CACHE_SECONDS = env_int("READINESS_CACHE_SECONDS", 1)
    # A PostgreSQL streaming replica for reads that may lag a few seconds (absher_web/replica.py);
    # unset: every read and write goes to ABSHER_DATABASE_URL, one engine.
    DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
    # Reads go back to the primary when the replica replays more than this far behind.
    REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
    # Each process asks the replica how far behind it is at most this often.
    REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 2)
    # How long a connection to the replica may take before it counts as away.
    REPLICA_CONNECT_TIMEOUT_SECONDS = env_int("REPLICA_CONNECT_TIMEOUT_SECONDS", 2)
    # After a request that wrote, that browser's reads stay on the primary this long.
    REPLICA_OWN_WRITES_SECONDS = env_int("REPLICA_OWN_WRITES_SECONDS", 10)
    OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)  # 1 to 10 minutes (settings_check)
    CAPTCHA_FIXED_ANSWER = env("CAPTCHA_FIXED_ANSWER")

    # Static assets: a year, immutable, because their URLs carry a content hash.
    STATIC_MAX_AGE = 31536000
    # `absher collect-static` keeps every retained release's hashed files here (nginx serves
    # them); the app answers a hashed name it does not know from here too (rolling deploys).
    RETAINED_STATIC_DIR = str(INSTANCE_DIR / "static")
    # Public pages from memory and form pages filled in (absher_web/web/page_cache.py);
    # "off" renders every page in full.
    PAGE_CACHE = env_bool("PAGE_CACHE", True)
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/javascript", "application/json"]
    COMPRESS_MIN_SIZE = 500
    # Brotli's level for answers compressed as they go (Flask-Compress's default is 4): 5
    # takes about a tenth off a form step for well under a millisecond more.
    COMPRESS_BR_LEVEL = 5
    # /<lang>/dev/states, every page in every state from fixture data (web/dev_states/):
    # development and test only; production has no such pages (404).
    STATES_GALLERY = False

    # Issued documents (services/issued_documents.py): their numbers' check part is an HMAC
    # under these keys; several, comma-separated, allow rotation (the first signs new
    # numbers, every one still checks older ones). Derived from SECRET_KEY if unset.
    DOCUMENT_SIGNING_KEYS = env("DOCUMENT_SIGNING_KEYS")
    # The origin printed in documents' QR codes (https://host, no path): never taken from a
    # request. Default: https:// and the first of ALLOWED_HOSTS (or SMS_ORIGIN_HOST).
    PUBLIC_ORIGIN = env("PUBLIC_ORIGIN")
    # /verify answers per address: a lookup anyone can make without an account.
    RATELIMIT_VERIFY = env("RATELIMIT_VERIFY", "20 per minute;200 per hour")


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger would need eval and inline script; keep the CSP honest
    CATALOGS_LIVE = env_bool("CATALOGS_LIVE", True)
    PSEUDO_LANGUAGES = ("xa", "xb")
    BCRYPT_ROUNDS = env_int("BCRYPT_ROUNDS", 10)
    STATES_GALLERY = True
    LOCAL_BANK_URLS = True


class TestConfig(Config):
    TESTING = True
    PSEUDO_LANGUAGES = ("xa", "xb")
    SECRET_KEY = "test-secret-key"
    DATABASE_URL = "sqlite://"
    BCRYPT_ROUNDS = 4
    STATES_GALLERY = True
    RATELIMIT_STORAGE_URI = "memory://"
    LOCAL_BANK_URLS = True
    SMS_FILE = str(INSTANCE_DIR / "test-sms.jsonl")  # tests point this at a temporary file
    # Race tests send 20-50 codes at once: they wait in line for the two slots (within the
    # send budget) instead of being refused for want of one, which would make what they
    # count depend on the machine's speed. Tests of the cap set their own (test_sms_breaker).
    SMS_MAX_WAITING = 64


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    LOG_FORMAT = env("LOG_FORMAT", "json")
    # The __Host- prefix binds the cookie to this host, HTTPS and path / (RFC 6265bis).
    SESSION_COOKIE_NAME = "__Host-absher_session"
    LANGUAGE_COOKIE_NAME = "__Host-absher_lang"
    SMS_BACKEND = env("SMS_BACKEND", "http")
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")  # no default: the operator names them
    # SQLite holds one writer at a time: production refuses it unless this says otherwise
    # (a single-process pilot, say).
    ALLOW_SQLITE = env_bool("ALLOW_SQLITE", False)
    # What production refuses, and why, is settings_check.production_problems.


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = env("ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        choices = ", ".join(CONFIGS)
        raise RuntimeError(f"ABSHER_ENV must be one of {choices}, not {name!r}") from None
