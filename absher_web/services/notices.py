"""Every text message the site sends, in one catalogue of whole sentences.

Codes go out inside the request (services/otp.py); notices tell the holder that something
changed: each is saved with the change, sent at once, and sent again by run-due until it
arrives (services/outbox.py). Each
sentence names its values (absher_web/wording.py: %(support_number)s, the code's lifetime)
and is sent in the holder's preferred language.

A new notice: add it here, send it with ``send`` where the change is saved, and translate
it (make translations-extract translations-update, then both catalogs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from absher_web import wording
from absher_web.models import Account, CodePurpose, Language, SmsMessage
from absher_web.services import inbox, outbox
from absher_web.wording import PluralText, lazy_plural


@dataclass(frozen=True)
class Notice:
    purpose: str  # recorded with each message it sends (sms_messages.purpose)
    text: LazyString | PluralText
    # The page the holder's inbox links it to (an endpoint taking only the language); None:
    # the one services/inbox.LINKS gives its purpose, if any.
    link: str | None = None


# TRANSLATORS: SMS to the holder when wrong passwords lock sign-in; one SMS segment
# (70 Arabic characters).
ACCOUNT_LOCKED = Notice("lock_notice", _l(
    "Absher: someone entered the wrong password for your account several times, so it is "
    "locked for a while. If this was not you, change your password."))
# TRANSLATORS: SMS when wrong security answers lock password recovery for an hour; one SMS
# segment (70 Arabic characters).
RECOVERY_LOCKED = Notice("recovery_lock_notice", _l(
    "Absher: wrong answers were given to your security questions, so password recovery is "
    "locked for an hour."))
# TRANSLATORS: SMS after the holder changed their password while signed in; one SMS segment
# (70 Arabic characters). %(support_number)s is the support line, 920020405.
PASSWORD_CHANGED = Notice("password_changed_notice", _l(
    "Absher: the password of your account was changed. If you did not change it, use Forgot "
    "password at once or call %(support_number)s."))
# TRANSLATORS: SMS after a password was set through password recovery; one SMS segment
# (70 Arabic characters). %(support_number)s is the support line, 920020405.
PASSWORD_RECOVERED = Notice("password_changed_notice", _l(
    "Absher: your password was changed. If this was not you, call %(support_number)s."))
# TRANSLATORS: SMS to the OLD mobile number when the account's number changed; one SMS
# segment (70 Arabic characters). %(number)s is the new number (+9665XXXXXXXX),
# %(support_number)s the support line.
MOBILE_CHANGED = Notice("mobile_changed_notice", _l(
    "Absher: the mobile number of your account was changed to %(number)s. If you did not "
    "change it, call %(support_number)s."))
# TRANSLATORS: SMS when the account becomes active (after the ATM activation's two days);
# one SMS segment (70 Arabic characters).
ACCOUNT_ACTIVATED = Notice("account_activated_notice", _l(
    "Absher: your account is now active. You can sign in and use the electronic services."))

# Driving authorisations (services/eservices/driving.py): each change texts both people,
# each in their own language. %(plate)s is the vehicle's plate, %(until)s the last day.
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(national_id)s is a 10-digit ID or iqama number; %(plate)s is the
# plate (letters and digits); %(until)s is the last day, as yyyy-mm-dd.
DRIVING_GIVEN_OWNER = Notice("driving_authorisation_notice", _l(
    "Absher: you authorised the holder of ID number %(national_id)s to drive your vehicle "
    "with plate %(plate)s until %(until)s. It takes effect once they accept it."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(owner)s is the vehicle owner's full name; %(plate)s is the plate
# (letters and digits); %(until)s is the last day, as yyyy-mm-dd.
DRIVING_GIVEN_DRIVER = Notice("driving_authorisation_notice", _l(
    "Absher: %(owner)s authorised you to drive the vehicle with plate %(plate)s until "
    "%(until)s. Accept or decline it in your Absher account."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(national_id)s is a 10-digit ID or iqama number; %(plate)s is the
# plate (letters and digits).
DRIVING_ACCEPTED_OWNER = Notice("driving_authorisation_notice", _l(
    "Absher: the holder of ID number %(national_id)s accepted your authorisation to drive "
    "your vehicle with plate %(plate)s."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(plate)s is the plate (letters and digits); %(until)s is the last day,
# as yyyy-mm-dd.
DRIVING_ACCEPTED_DRIVER = Notice("driving_authorisation_notice", _l(
    "Absher: you accepted the authorisation to drive the vehicle with plate %(plate)s until "
    "%(until)s."))
# TRANSLATORS: A text message (SMS) to a vehicle owner, in three SMS segments at most.
# %(national_id)s is a 10-digit ID number; %(plate)s is the plate (letters and digits).
DRIVING_DECLINED_OWNER = Notice("driving_authorisation_notice", _l(
    "Absher: the holder of ID number %(national_id)s declined your authorisation to drive "
    "your vehicle with plate %(plate)s."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(plate)s is the plate (letters and digits).
DRIVING_DECLINED_DRIVER = Notice("driving_authorisation_notice", _l(
    "Absher: you declined the authorisation to drive the vehicle with plate %(plate)s."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(national_id)s is a 10-digit ID or iqama number; %(plate)s is the
# plate (letters and digits).
DRIVING_CANCELLED_OWNER = Notice("driving_authorisation_notice", _l(
    "Absher: you cancelled the authorisation of the holder of ID number %(national_id)s to "
    "drive your vehicle with plate %(plate)s."))
# TRANSLATORS: A text message (SMS) about a driving authorisation or a visa extension, in three
# SMS segments at most. %(plate)s is the plate (letters and digits).
DRIVING_CANCELLED_DRIVER = Notice("driving_authorisation_notice", _l(
    "Absher: your authorisation to drive the vehicle with plate %(plate)s was cancelled by "
    "its owner. Do not drive it."))
# TRANSLATORS: A text message (SMS) to a vehicle's former owner, in three SMS segments at
# most. %(national_id)s is a 10-digit ID or iqama number; %(plate)s is the plate (letters and
# digits).
DRIVING_ENDED_OWNER = Notice("driving_authorisation_notice", _l(
    "Absher: the vehicle with plate %(plate)s is no longer registered in your name, so your "
    "authorisation for the holder of ID number %(national_id)s to drive it has ended."))
# TRANSLATORS: A text message (SMS) to an authorised driver, in three SMS segments at most.
# %(plate)s is the plate (letters and digits).
DRIVING_ENDED_DRIVER = Notice("driving_authorisation_notice", _l(
    "Absher: the vehicle with plate %(plate)s has a new owner, so your authorisation to drive "
    "it has ended. Do not drive it unless its new owner authorises you."))
# TRANSLATORS: A text message (SMS) to a former sponsor, in three SMS segments at most.
# %(name)s is the domestic worker's full name.
ABSENCE_CLOSED_SPONSOR_CHANGED = Notice("absence_report_notice", _l(
    "Absher: %(name)s has moved to another sponsor, so your report of their absence is "
    "closed."))
# TRANSLATORS: A text message (SMS) to a sponsor once their bank's payment of the visa
# extension's bill reached us, in three SMS segments at most. %(fee)s is the amount paid with
# its currency, e.g. "100.00 ر.س"; %(name)s is the sponsored person's full name; %(until)s
# is the visa's new last day, as yyyy-mm-dd.
VISA_EXTENDED = Notice("visa_extension_notice", _l(
    "Absher: we received your payment of %(fee)s. The visit visa of %(name)s is extended "
    "until %(until)s."))
# TRANSLATORS: A text message (SMS) to a sponsor or head of household once their bank's
# payment of an exit and re-entry visa's bill reached us, in three SMS segments at most.
# %(fee)s is the amount paid with its currency; %(name)s is the traveller's full name;
# %(number)s is the visa's 10-digit number; %(until)s is the day to return before, as
# yyyy-mm-dd.
EXIT_REENTRY_ISSUED = Notice("residency_notice", _l(
    "Absher: we received your payment of %(fee)s. Exit and re-entry visa %(number)s is "
    "issued for %(name)s: return before %(until)s."))
# TRANSLATORS: A text message (SMS) to a sponsor or head of household once their bank's
# payment of an exit and re-entry visa's extension reached us, in three SMS segments at most.
# %(fee)s is the amount paid with its currency; %(name)s is the traveller's full name;
# %(number)s is the visa's 10-digit number; %(until)s is the new day to return before, as
# yyyy-mm-dd.
EXIT_REENTRY_EXTENDED = Notice("residency_notice", _l(
    "Absher: we received your payment of %(fee)s. Exit and re-entry visa %(number)s of "
    "%(name)s is extended: return before %(until)s."))
# TRANSLATORS: A text message (SMS) to a sponsor or head of household once their bank's
# payment of an iqama renewal reached us, in three SMS segments at most. %(fee)s is the
# amount paid with its currency; %(name)s is the resident's full name; %(until)s is the
# iqama's new expiry, as yyyy-mm-dd.
IQAMA_RENEWED = Notice("residency_notice", _l(
    "Absher: we received your payment of %(fee)s. The iqama of %(name)s is renewed until "
    "%(until)s."))
# TRANSLATORS: A text message (SMS) to a vehicle's owner once their bank's payment of a
# traffic violation's bill reached us; one SMS segment (70 Arabic characters).
# %(reference)s is the violation's reference, e.g. TV-2026-000123; %(amount)s is the amount
# paid with its currency, e.g. "300.00 ر.س".
VIOLATION_PAID = Notice("traffic_violation_notice", _l(
    "Absher: traffic violation %(reference)s is paid (%(amount)s)."))
# TRANSLATORS: SMS when the fee of a cancelled or undeliverable request has been refunded
# to the payer's bank; one SMS segment (70 Arabic characters). %(amount)s is the amount
# with its currency ("150.00 SAR", "150.00 ر.س"), %(bill)s the 13-digit bill number.
BILL_REFUNDED = Notice("bill_refunded_notice", _l(
    "Absher: %(amount)s of bill %(bill)s was refunded to your bank."))
# TRANSLATORS: SMS once Civil Affairs issued the holder's family record (سجل الأسرة); one
# SMS segment (70 Arabic characters). %(number)s is the record's 11-digit number.
FAMILY_RECORD_ISSUED = Notice("family_record_notice", _l(
    "Absher: your family record %(number)s is issued. See it under My family."))
# TRANSLATORS: SMS once Civil Affairs added the holder's new wife (and children) to the
# family record they hold; one SMS segment (70 Arabic characters). %(number)s is the
# record's 11-digit number.
FAMILY_RECORD_UPDATED = Notice("family_record_notice", _l(
    "Absher: your family record %(number)s is updated. See it under My family."))
# TRANSLATORS: SMS when a Civil Affairs (or other) officer approved the holder's request;
# two SMS segments. %(service)s is the service's name (e.g. New family record for mothers),
# %(number)s the request's 10-digit number.
REQUEST_APPROVED = Notice("request_decided_notice", _l(
    "Absher: your request %(number)s (%(service)s) was approved. See it under My requests."))
# TRANSLATORS: SMS when an officer refused the holder's request; two SMS segments. The
# officer's reason is not in the SMS: the holder reads it on Absher. %(service)s is the
# service's name, %(number)s the request's 10-digit number.
REQUEST_REFUSED = Notice("request_decided_notice", _l(
    "Absher: your request %(number)s (%(service)s) was refused. See the reason under My "
    "requests on Absher."))
# TRANSLATORS: SMS once a newborn is registered (تسجيل المواليد); one or two SMS segments.
# %(name)s is the child's full name in the holder's language, %(national_id)s the child's
# new 10-digit ID number.
BIRTH_REGISTERED = Notice("birth_registered_notice", _l(
    "Absher: the birth of %(name)s is registered. ID number: %(national_id)s. See it under "
    "My family."))
# TRANSLATORS: SMS once the birth certificate and family record of a registered newborn
# were printed and sent by post to the holder's national address; at most two SMS
# segments. %(request)s is the request's 10-digit number.
BIRTH_SENT = Notice("birth_delivered_notice", _l(
    "Absher: the birth certificate of request %(request)s is printed and sent by post to "
    "your national address."))
# TRANSLATORS: SMS once the birth certificate of a registered newborn is printed and waits
# at the Civil Affairs office the holder chose; at most two SMS segments. %(request)s is
# the request's 10-digit number.
BIRTH_READY = Notice("birth_delivered_notice", _l(
    "Absher: the birth certificate of request %(request)s is printed. Collect it at your "
    "Civil Affairs office with your ID card."))
# TRANSLATORS: SMS when a Passports officer approved a Premium Residency holder's visit
# visa request for a relative; at most two SMS segments. %(name)s is the relative's name in
# the holder's language, %(visa)s the visit visa's 10-digit number, %(number)s the
# request's 10-digit number.
PREMIUM_VISA_ISSUED = Notice("request_decided_notice", _l(
    "Absher: the visit visa of %(name)s is issued, number %(visa)s (request %(number)s). "
    "See it under My requests."))

# Vehicle sale (services/vehicle_sales.py): each change texts seller and buyer, each in their
# own language. %(plate)s is the vehicle's plate, %(price)s the price with its currency,
# %(until)s a day and time (yyyy-mm-dd hh:mm, Riyadh).
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), in three SMS
# segments at most. %(plate)s is the plate; %(price)s the price with its currency; %(until)s
# a date and time.
SALE_OFFERED_SELLER = Notice("vehicle_sale_notice", _l(
    "Absher: your offer to sell the vehicle with plate %(plate)s for %(price)s was sent to "
    "the buyer, who has until %(until)s to answer it."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), in three SMS
# segments at most. %(plate)s is the plate; %(price)s the price with its currency; %(until)s
# a date and time.
SALE_OFFERED_BUYER = Notice("vehicle_sale_notice", _l(
    "Absher: you are offered the vehicle with plate %(plate)s for %(price)s. Accept or "
    "reject the offer in your Absher account by %(until)s."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate; %(until)s a date and time.
SALE_ACCEPTED = Notice("vehicle_sale_notice", _l(
    "Absher: the buyer accepted the sale of the vehicle with plate %(plate)s. The price and "
    "the fees are to be paid by %(until)s."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate.
SALE_REJECTED = Notice("vehicle_sale_notice", _l(
    "Absher: the buyer rejected the offer to sell the vehicle with plate %(plate)s."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate.
SALE_LAPSED = Notice("vehicle_sale_notice", _l(
    "Absher: the sale of the vehicle with plate %(plate)s has lapsed: it was not answered "
    "or paid in time. Anything paid is refunded."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate.
SALE_PAID = Notice("vehicle_sale_notice", _l(
    "Absher: the price and the fees of the sale of the vehicle with plate %(plate)s are "
    "paid. Meet to hand the vehicle over; the seller then completes the sale in Absher."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate; %(price)s the price with
# its currency.
SALE_COMPLETED = Notice("vehicle_sale_notice", _l(
    "Absher: the vehicle with plate %(plate)s is now registered in the buyer's name. The "
    "price of %(price)s is being transferred to the seller's bank account."))
# TRANSLATORS: A text message (SMS) about a vehicle sale (مبايعة المركبات), to seller and
# buyer, in three SMS segments at most. %(plate)s is the plate.
SALE_CANCELLED = Notice("vehicle_sale_notice", _l(
    "Absher: the sale of the vehicle with plate %(plate)s was called off. Anything paid is "
    "refunded to the bank it came from."))
# TRANSLATORS: A text message (SMS) to the seller of a vehicle, in three SMS segments at
# most. %(plate)s is the plate;
# %(price)s the price with its currency.
SALE_PAID_OUT = Notice("vehicle_sale_notice", _l(
    "Absher: the price of %(price)s for the vehicle with plate %(plate)s was transferred to "
    "your bank account."))
# Absher Passports (services/passports.py): the holder who asked is texted at each step.
# TRANSLATORS: SMS once a passport is printed and handed to Saudi Post for the national
# address; at most two SMS segments. %(request)s is the request's 10-digit number.
PASSPORT_POSTED = Notice("passport_notice", _l(
    "Absher: the passport of request %(request)s is printed and on its way by Saudi Post to "
    "the national address."))
# TRANSLATORS: SMS once a passport is printed and waits at the Passports office chosen; at
# most two SMS segments. %(request)s is the request's 10-digit number, %(city)s the city of
# the office.
PASSPORT_READY = Notice("passport_notice", _l(
    "Absher: the passport of request %(request)s is printed. Collect it at the Passports "
    "office in %(city)s with the ID card."))
# TRANSLATORS: SMS once a passport was handed over; at most two SMS segments. %(request)s is
# the request's 10-digit number, %(passport)s the new passport's number (a letter and 8
# digits), %(until)s its last day as yyyy-mm-dd.
PASSPORT_DELIVERED = Notice("passport_notice", _l(
    "Absher: the passport of request %(request)s was delivered. Its number is %(passport)s, "
    "valid until %(until)s."))
# TRANSLATORS: SMS when a recruiter of the Ministry of Interior shortlisted the holder's job
# application (Absher Employment, أبشر توظيف); at most two SMS segments. %(number)s is the
# application's 10-digit number, %(opening)s the job opening's number (MOI-2026-0101).
JOB_SHORTLISTED = Notice("job_application_notice", _l(
    "Absher: your application %(number)s to job opening %(opening)s was shortlisted. See "
    "My job applications on Absher."))
# TRANSLATORS: SMS when a recruiter declined the holder's job application (Absher
# Employment); at most two SMS segments. The recruiter's reason is not in the SMS: the holder
# reads it on Absher. %(number)s is the application's 10-digit number, %(opening)s the job
# opening's number.
JOB_DECLINED = Notice("job_application_notice", _l(
    "Absher: your application %(number)s to job opening %(opening)s was not accepted. See "
    "the reason under My job applications on Absher."))

# Tahseen (services/tahseen.py): the holder is texted when a Civil Affairs officer answers or
# closes their ticket; the answer itself is read on Absher.
# TRANSLATORS: SMS when a Civil Affairs officer answered the holder's Tahseen ticket (خدمة
# تحسين: a complaint, question or suggestion); at most two SMS segments. %(ticket)s is the
# ticket's 12-digit number.
TAHSEEN_ANSWERED = Notice("tahseen_notice", _l(
    "Absher: Civil Affairs answered your Tahseen ticket %(ticket)s. Read the answer under "
    "My tickets on Absher."))
# TRANSLATORS: SMS when a Civil Affairs officer closed the holder's Tahseen ticket without an
# answer, saying why; at most two SMS segments. %(ticket)s is the ticket's 12-digit number.
TAHSEEN_CLOSED = Notice("tahseen_notice", _l(
    "Absher: Civil Affairs closed your Tahseen ticket %(ticket)s. See why under My tickets "
    "on Absher."))
# Public decorum violations (services/decorum.py).
# TRANSLATORS: SMS to a person once an officer recorded a public decorum violation (مخالفة
# ذوق عام) against them; two SMS segments. %(number)s is the violation's 10-digit number,
# %(amount)s the fine with its currency ("100.00 SAR", "100.00 ر.س").
DECORUM_RECORDED = Notice("decorum_violation_notice", _l(
    "Absher: public decorum violation %(number)s was recorded against you, with a fine of "
    "%(amount)s. Pay it or object to it under Public decorum violations on Absher."))
# TRANSLATORS: SMS once the fine of a public decorum violation is paid; one SMS segment
# (70 Arabic characters). %(number)s is the violation's number, %(amount)s the amount paid.
DECORUM_PAID = Notice("decorum_violation_notice", _l(
    "Absher: the fine of public decorum violation %(number)s is paid (%(amount)s)."))
# Download my data (services/data_exports.py).
# TRANSLATORS: SMS when the copy of the holder's data they asked for is ready; two SMS
# segments at most. %(until)s is the last moment it can be downloaded, as yyyy-mm-dd hh:mm.
DATA_EXPORT_READY = Notice("data_export_notice", _l(
    "Absher: the copy of your data that you asked for is ready. Download it from My data on "
    "Absher before %(until)s."))
# Devices and sessions (services/devices.py).
# TRANSLATORS: SMS when the account was signed in on a device it never used before; at most
# two SMS segments. %(device)s is a kind of device (iPhone, Windows computer…), %(browser)s a
# browser's name, %(support_number)s the support line.
NEW_DEVICE = Notice("new_device_notice", _l(
    "Absher: your account was signed in on a new device (%(device)s, %(browser)s). If this "
    "was not you, change your password and call %(support_number)s."))

# The code message for each purpose; %(code)s is the code, %(count)s its lifetime in minutes.
CODE_TEXTS = {
    # TRANSLATORS: SMS with the registration code; one SMS segment: the phone adds the line
    # "@absher.sa #123456", so the text has 50 Arabic characters. %(code)s is the 6-digit
    # code, %(count)s its lifetime in minutes (1 to 10).
    CodePurpose.REGISTRATION: lazy_plural(
        "Your Absher registration code is %(code)s. It expires in %(count)s minute. "
        "Do not share it with anyone.",
        "Your Absher registration code is %(code)s. It expires in %(count)s minutes. "
        "Do not share it with anyone.", "code_minutes"),
    # TRANSLATORS: SMS with the sign-in code; one SMS segment: with the line "@absher.sa
    # #123456" added, the text has 50 Arabic characters. %(code)s is the 6-digit code,
    # %(count)s its lifetime in minutes (1 to 10).
    CodePurpose.SIGN_IN: lazy_plural(
        "Your Absher sign-in code is %(code)s. It expires in %(count)s minute. "
        "Do not share it with anyone.",
        "Your Absher sign-in code is %(code)s. It expires in %(count)s minutes. "
        "Do not share it with anyone.", "code_minutes"),
    # TRANSLATORS: SMS with the password recovery code; two SMS segments (134 Arabic
    # characters, with the line "@absher.sa #123456" added). %(code)s is the 6-digit code,
    # %(count)s its lifetime in minutes (1 to 10).
    CodePurpose.RECOVERY: lazy_plural(
        "Your Absher password recovery code is %(code)s. It expires in %(count)s minute. "
        "Do not share it with anyone.",
        "Your Absher password recovery code is %(code)s. It expires in %(count)s minutes. "
        "Do not share it with anyone.", "code_minutes"),
    # TRANSLATORS: SMS to the NEW number while changing it; two SMS segments (134 Arabic
    # characters, with the line "@absher.sa #123456" added). %(code)s is the 6-digit code,
    # %(count)s its lifetime in minutes (1 to 10).
    CodePurpose.CHANGE_MOBILE: lazy_plural(
        "Your Absher code to change your mobile number is %(code)s. It expires in "
        "%(count)s minute. Do not share it with anyone.",
        "Your Absher code to change your mobile number is %(code)s. It expires in "
        "%(count)s minutes. Do not share it with anyone.", "code_minutes"),
    # TRANSLATORS: SMS read out to the officer at a Passports office counter after the
    # holder's fingerprints were verified; two SMS segments (134 Arabic characters, the
    # "@absher.sa #123456" line included). %(code)s is the 6-digit code, %(count)s minutes.
    CodePurpose.OFFICE_MOBILE: lazy_plural(
        "Your Absher code to make this your account's mobile number is %(code)s. Read it out "
        "only to the officer at the Passports office counter. It expires in %(count)s minute.",
        "Your Absher code to make this your account's mobile number is %(code)s. Read it out "
        "only to the officer at the Passports office counter. It expires in %(count)s minutes.",
        "code_minutes"),
    # TRANSLATORS: SMS typed into a self-service kiosk after the holder's fingerprints were
    # verified; two SMS segments (134 Arabic characters, the "@absher.sa #123456" line
    # included). %(code)s is the 6-digit code, %(count)s minutes.
    CodePurpose.KIOSK_MOBILE: lazy_plural(
        "Your Absher code to make this your account's mobile number is %(code)s. Type it only "
        "into the self-service kiosk. It expires in %(count)s minute.",
        "Your Absher code to make this your account's mobile number is %(code)s. Type it only "
        "into the self-service kiosk. It expires in %(count)s minutes.",
        "code_minutes"),
}


def in_language(text: LazyString | PluralText, language: Language, **values: object) -> str:
    """``text`` in ``language``, filled from the settings and ``values``."""
    with force_locale(language.value):
        return wording.fill(text, {**wording.standing_values(), **values})


def code_message(purpose: CodePurpose, language: Language, code: str, minutes: int,
                 host: str) -> str:
    text = in_language(CODE_TEXTS[purpose], language, code=code, code_minutes=minutes)
    # The last line lets phones offer the code for autofill (WebOTP).
    return f"{text}\n\n@{host} #{code}"


def queue(session: Session, notice: Notice, account: Account, now: datetime,
          to: str | None = None, at_once: bool = True, **values: object) -> SmsMessage:
    """Add ``notice`` (to ``to``, else the holder's number, in their language) to the
    caller's transaction: it is saved with the change it tells of, or not at all, and so
    is its copy in the holder's inbox (services/inbox.py)."""
    language = account.preferred_language
    body = in_language(notice.text, language, **values)
    message = outbox.queue(session, to or account.mobile, body, notice.purpose, now, at_once)
    inbox.keep_sent(session, account, message, language, notice.link)
    return message


def send_each(session: Session, notices: list[tuple[Notice, Account, dict]],
              now: datetime) -> None:
    """Save the caller's change with one notice to each of several people (each in their
    own language, with their own values), in one commit; then text them."""
    messages = [queue(session, notice, account, now, **values)
                for notice, account, values in notices]
    session.commit()
    for message in messages:
        outbox.deliver(session, message, now)


def send(session: Session, notice: Notice, account: Account, now: datetime,
         to: str | None = None, **values: object) -> bool:
    """Save the caller's change together with ``notice`` (one commit), then text it.

    True when the provider took it now; otherwise run-due sends it (services/outbox.py).
    """
    message = queue(session, notice, account, now, to, **values)
    session.commit()
    return outbox.deliver(session, message, now)
