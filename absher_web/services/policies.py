"""What the journeys need from the configuration, read in one place and passed to services.

Registration, sign-in, recovery and the account changes all take one Policies object
instead of reading settings themselves: the code policy (lifetime and SMS budgets),
the visual-code policy, the bcrypt cost and the host named in code messages.
The sentences that state these values fill them from here (absher_web/wording.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from absher_web.security import origin_host
from absher_web.services.captcha import CaptchaPolicy

# Every setting Policies.from_config reads: the app's Policies are built again only
# when one of these changes (tests change settings on a running app; production never does).
SETTINGS = (
    "SECRET_KEY", "OTP_TTL_SECONDS", "SMS_CODES_PER_NUMBER_PER_HOUR",
    "SMS_CODES_PER_PERSON_PER_HOUR", "SMS_CODES_PER_HOUR", "SMS_BREAKER_PAUSE_SECONDS",
    "CAPTCHA_FIXED_ANSWER",
    "BCRYPT_ROUNDS", "SMS_ORIGIN_HOST", "ALLOWED_HOSTS", "RECOVERY_SECURITY_QUESTION",
    "MAX_DRIVING_AUTHORISATIONS", "DRIVING_AUTHORISATION_MAX_DAYS",
    "VISA_EXTENSION_WINDOW_DAYS", "VISA_EXTENSION_DAYS", "VISA_EXTENSION_FEE",
    "VISA_MAX_STAY_DAYS", "ABSENCE_WITHDRAWAL_DAYS", "BILL_LIFETIME_HOURS",
    "BIRTH_DELIVERY_FEE", "BIRTH_LATE_FINE", "BIRTH_REGISTRATION_DAYS",
    "VEHICLE_SALE_MIN_PRICE", "VEHICLE_SALE_MAX_PRICE", "VEHICLE_SALE_GOVERNMENT_FEE",
    "VEHICLE_SALE_PLATFORM_FEE", "VEHICLE_SALE_VAT_PERCENT", "VEHICLE_SALE_ANSWER_HOURS",
    "VEHICLE_SALE_PAY_HOURS", "VEHICLE_SALE_RESIDENT_CARS",
    "EXIT_REENTRY_SINGLE_FEE", "EXIT_REENTRY_SINGLE_MONTHS", "EXIT_REENTRY_SINGLE_MONTH_FEE",
    "EXIT_REENTRY_MULTIPLE_FEE", "EXIT_REENTRY_MULTIPLE_MONTHS",
    "EXIT_REENTRY_MULTIPLE_MONTH_FEE", "EXIT_REENTRY_MAX_MONTHS", "VISA_PASSPORT_MARGIN_DAYS",
    "VISA_IQAMA_MARGIN_DAYS", "IQAMA_YEAR_FEE", "IQAMA_MAX_YEARS", "IQAMA_RENEWAL_WINDOW_DAYS",
    "FINAL_EXIT_DAYS",
    "PASSPORT_FEE_5_YEARS", "PASSPORT_FEE_10_YEARS", "PASSPORT_RENEWAL_MONTHS",
    "PASSPORT_TEN_YEARS_MIN_AGE",
    "PREMIUM_VISIT_VISA_FEE", "PREMIUM_VISA_OPEN_MAX",
)


@dataclass(frozen=True)
class CodePolicy:
    """SMS codes (services/otp.py): how long one lasts, and how many may be sent an hour."""

    secret_key: str
    ttl: timedelta
    # Hourly budgets for code SMS (settings SMS_CODES_PER_*): per number, per person, site.
    per_number_per_hour: int = 5
    per_person_per_hour: int = 10
    site_per_hour: int = 50000
    # How long codes are refused at once after the provider failed too often in a row.
    provider_pause: timedelta = timedelta(minutes=1)

    @property
    def minutes(self) -> int:
        """The lifetime as pages and messages state it: whole minutes, rounded down, so a
        code never lasts less than it is said to."""
        return max(1, int(self.ttl.total_seconds()) // 60)

    @property
    def pause_minutes(self) -> int:
        """The pause as "try again in N minutes" states it: rounded up, so trying again
        then finds the provider tried again."""
        return max(1, -(-int(self.provider_pause.total_seconds()) // 60))


@dataclass(frozen=True)
class EServicePolicy:
    """The e-services' limits (services/eservices/): driving authorisations, visit visa
    extensions, absence reports, and how long their fees' bills may be paid."""

    max_driving_authorisations: int = 3  # held at once, waiting or accepted
    driving_authorisation_max_days: int = 365
    visa_extension_window_days: int = 30  # extended only this close to its expiry
    visa_extension_days: int = 90
    visa_extension_fee: int = 100  # riyals
    visa_max_stay_days: int = 180  # from entry, extensions included
    absence_withdrawal_days: int = 15
    bill_lifetime: timedelta = timedelta(hours=72)  # how long a fee's bill may be paid
    birth_delivery_fee: int = 3000  # halalas, delivery by post
    birth_late_fine: int = 10000  # halalas, a birth registered late
    birth_registration_days: int = 30  # after the birth, before the fine
    sale_min_price: int = 500  # riyals
    sale_max_price: int = 1_000_000  # riyals
    sale_government_fee: int = 15000  # halalas
    sale_platform_fee: int = 23000  # halalas, VAT included
    sale_vat_percent: int = 15
    sale_answer_time: timedelta = timedelta(hours=72)  # an offer lapses unanswered
    sale_pay_time: timedelta = timedelta(hours=48)  # an accepted sale lapses unpaid
    sale_resident_cars: int = 2  # private cars a resident may own

    @property
    def sale_platform_vat(self) -> int:
        """The VAT part of the platform's fee, in halalas (rounded to the halala)."""
        fee = self.sale_platform_fee
        return fee - (fee * 100 + (100 + self.sale_vat_percent) // 2) // (
            100 + self.sale_vat_percent)
    passport_fee_5_years: int = 30000  # halalas, a passport valid 5 years
    passport_fee_10_years: int = 60000  # halalas, a passport valid 10 years
    passport_renewal_months: int = 6  # a valid passport is renewed only this close to expiry
    passport_ten_years_min_age: int = 21  # younger holders get 5-year passports only

    def passport_fee(self, years: int) -> int:
        """The fee of a passport valid ``years`` (5 or 10), in halalas."""
        return self.passport_fee_10_years if years == 10 else self.passport_fee_5_years
    premium_visit_visa_fee: int = 30000  # halalas, a Premium Residency holder's visit visa
    premium_visa_open_max: int = 5  # a holder's visit visa requests not yet decided

    @classmethod
    def from_config(cls, config: Mapping) -> EServicePolicy:
        return cls(
            max_driving_authorisations=config["MAX_DRIVING_AUTHORISATIONS"],
            driving_authorisation_max_days=config["DRIVING_AUTHORISATION_MAX_DAYS"],
            visa_extension_window_days=config["VISA_EXTENSION_WINDOW_DAYS"],
            visa_extension_days=config["VISA_EXTENSION_DAYS"],
            visa_extension_fee=config["VISA_EXTENSION_FEE"],
            visa_max_stay_days=config["VISA_MAX_STAY_DAYS"],
            absence_withdrawal_days=config["ABSENCE_WITHDRAWAL_DAYS"],
            bill_lifetime=timedelta(hours=config["BILL_LIFETIME_HOURS"]),
            birth_delivery_fee=config["BIRTH_DELIVERY_FEE"],
            birth_late_fine=config["BIRTH_LATE_FINE"],
            birth_registration_days=config["BIRTH_REGISTRATION_DAYS"],
            sale_min_price=config["VEHICLE_SALE_MIN_PRICE"],
            sale_max_price=config["VEHICLE_SALE_MAX_PRICE"],
            sale_government_fee=config["VEHICLE_SALE_GOVERNMENT_FEE"],
            sale_platform_fee=config["VEHICLE_SALE_PLATFORM_FEE"],
            sale_vat_percent=config["VEHICLE_SALE_VAT_PERCENT"],
            sale_answer_time=timedelta(hours=config["VEHICLE_SALE_ANSWER_HOURS"]),
            sale_pay_time=timedelta(hours=config["VEHICLE_SALE_PAY_HOURS"]),
            sale_resident_cars=config["VEHICLE_SALE_RESIDENT_CARS"],
            passport_fee_5_years=config["PASSPORT_FEE_5_YEARS"],
            passport_fee_10_years=config["PASSPORT_FEE_10_YEARS"],
            passport_renewal_months=config["PASSPORT_RENEWAL_MONTHS"],
            passport_ten_years_min_age=config["PASSPORT_TEN_YEARS_MIN_AGE"],
            premium_visit_visa_fee=config["PREMIUM_VISIT_VISA_FEE"],
            premium_visa_open_max=config["PREMIUM_VISA_OPEN_MAX"])


@dataclass(frozen=True)
class ResidencyPolicy:
    """Residency and visas (services/residency.py): exit/re-entry visa fees, iqama renewal,
    final exit. Fees in halalas. Sources: the Passports Directorate's figures as reported
    by Zawya/Saudi Gazette (2022): single exit/re-entry 200 riyals for up to two months and
    100 for each further month; multiple 500 riyals for up to three months and 200 for each
    further month; the iqama 650 riyals a year; a final exit visa is free (so it has no
    fee setting)."""

    single_fee: int = 20000  # up to single_months
    single_months: int = 2
    single_month_fee: int = 10000  # each further month, and each month an extension adds
    multiple_fee: int = 50000
    multiple_months: int = 3
    multiple_month_fee: int = 20000
    max_months: int = 24  # the longest exit/re-entry visa, extensions included
    passport_margin_days: int = 90  # the passport valid this long after the visa's end
    iqama_margin_days: int = 0  # the iqama valid this long after the visa's end
    iqama_year_fee: int = 65000
    iqama_max_years: int = 3
    iqama_renewal_window_days: int = 180  # renewed only this close to its expiry
    final_exit_days: int = 60  # the time to leave once a final exit visa is issued

    @classmethod
    def from_config(cls, config: Mapping) -> ResidencyPolicy:
        return cls(
            single_fee=config["EXIT_REENTRY_SINGLE_FEE"],
            single_months=config["EXIT_REENTRY_SINGLE_MONTHS"],
            single_month_fee=config["EXIT_REENTRY_SINGLE_MONTH_FEE"],
            multiple_fee=config["EXIT_REENTRY_MULTIPLE_FEE"],
            multiple_months=config["EXIT_REENTRY_MULTIPLE_MONTHS"],
            multiple_month_fee=config["EXIT_REENTRY_MULTIPLE_MONTH_FEE"],
            max_months=config["EXIT_REENTRY_MAX_MONTHS"],
            passport_margin_days=config["VISA_PASSPORT_MARGIN_DAYS"],
            iqama_margin_days=config["VISA_IQAMA_MARGIN_DAYS"],
            iqama_year_fee=config["IQAMA_YEAR_FEE"],
            iqama_max_years=config["IQAMA_MAX_YEARS"],
            iqama_renewal_window_days=config["IQAMA_RENEWAL_WINDOW_DAYS"],
            final_exit_days=config["FINAL_EXIT_DAYS"])


@dataclass(frozen=True)
class Policies:
    codes: CodePolicy
    visual_codes: CaptchaPolicy
    bcrypt_rounds: int
    sms_host: str  # the WebOTP line of code messages names this host, never a request's
    ask_security_question: bool  # recovery asks one of the person's questions first
    eservices: EServicePolicy = EServicePolicy()
    residency: ResidencyPolicy = ResidencyPolicy()

    @classmethod
    def from_config(cls, config: Mapping) -> Policies:
        return cls(
            codes=CodePolicy(secret_key=config["SECRET_KEY"],
                             ttl=timedelta(seconds=config["OTP_TTL_SECONDS"]),
                             per_number_per_hour=config["SMS_CODES_PER_NUMBER_PER_HOUR"],
                             per_person_per_hour=config["SMS_CODES_PER_PERSON_PER_HOUR"],
                             site_per_hour=config["SMS_CODES_PER_HOUR"],
                             provider_pause=timedelta(
                                 seconds=config["SMS_BREAKER_PAUSE_SECONDS"])),
            visual_codes=CaptchaPolicy(secret_key=config["SECRET_KEY"],
                                       fixed_answer=config.get("CAPTCHA_FIXED_ANSWER")),
            bcrypt_rounds=config["BCRYPT_ROUNDS"],
            sms_host=origin_host(config),
            ask_security_question=config["RECOVERY_SECURITY_QUESTION"],
            eservices=EServicePolicy.from_config(config),
            residency=ResidencyPolicy.from_config(config),
        )


def current_policies() -> Policies:
    """The current app's policies, built once (and again only if a setting they read changed)."""
    config = current_app.config
    key = tuple(config.get(name) for name in SETTINGS)
    built = current_app.extensions.get("absher_policies")
    if built is None or built[0] != key:
        built = current_app.extensions["absher_policies"] = (key, Policies.from_config(config))
    return built[1]
