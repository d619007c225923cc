"""Every message a form or a service can show, keyed by id (one catalogue).

Services and rules return keys; forms and templates turn them into words here,
so a translator finds each sentence once and a test can name it by key. Numbers that
a setting or a rule decides are named, and filled in by absher_web/wording.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from absher_web import wording
from absher_web.wording import PluralText, lazy_plural

MESSAGES = {
    # Any text field
    "text_control_characters": _l("This contains characters that cannot be used, such as hidden control characters. Type it again instead of pasting it"),
    # ID or iqama number
    "national_id_required": _l("Enter your ID or iqama number"),
    "national_id_format": _l("Enter your ID or iqama number as 10 digits, starting with 1 or 2"),
    "national_id_invalid": _l("Check your ID or iqama number: it is not a valid number"),
    "national_id_unknown": _l("We could not find this ID or iqama number in the civil registry. Check it and try again"),
    "national_id_registered": _l("An Absher account already exists for this ID or iqama number. Sign in, or use Forgot password"),
    # Mobile
    "mobile_required": _l("Enter your mobile number"),
    "mobile_invalid": _l("Enter a Saudi mobile number, like 05XXXXXXXX"),
    "mobile_taken": _l("This mobile number is used by another account. Use a different number"),
    # Username
    # TRANSLATORS: A message shown beside a form field or at the top of the form.
    "username_required": _l("Enter a username"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(count)s is a
    # number; the sentence's form follows it.
    "username_too_short": lazy_plural("Your username must be at least %(count)s character", "Your username must be at least %(count)s characters", "username_min"),
    "username_too_long": _l("Your username must be 32 characters or fewer"),
    "username_characters": _l("Your username can only contain English letters and digits, with no spaces or symbols"),
    "username_capital_first": _l("Your username must start with a capital English letter"),
    "username_letters_and_digits": _l("Your username must contain both English letters and digits"),
    "username_taken": _l("This username is already taken. Choose a different one"),
    # Password
    # TRANSLATORS: A message shown beside a form field or at the top of the form.
    "password_required": _l("Enter a password"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(count)s is a
    # number; the sentence's form follows it.
    "password_too_short": lazy_plural("Your password must be at least %(count)s character", "Your password must be at least %(count)s characters", "password_min"),
    "password_too_long": _l("Your password must be 256 characters or fewer"),
    "password_composition": _l("Your password must contain a capital letter, a small letter and a digit"),
    "password_repeated_character": _l("No single character can make up more than half of your password"),
    "password_contains_username": _l("Your password must not contain a large part of your username"),
    "password_common": _l("This password is too common and easy to guess. Choose a different one"),
    "confirm_password_required": _l("Enter your password again to confirm it"),
    "confirm_password_mismatch": _l("The passwords do not match. Enter the same password twice"),
    # Email
    "email_required": _l("Enter your email address"),
    "email_invalid": _l("Enter an email address in the correct format, like name@example.com"),
    "confirm_email_required": _l("Enter your email address again to confirm it"),
    "confirm_email_mismatch": _l("The email addresses do not match. Enter the same address twice"),
    # Language, terms, visual code
    "language_required": _l("Choose your preferred language"),
    "terms_required": _l("To continue, confirm that you have read and accept the terms of use and the privacy policy"),
    "captcha_required": _l("Enter the visual code"),
    "captcha_wrong": _l("The visual code you entered is not right. Enter the new code shown"),
    "captcha_expired": _l("The visual code has expired. Enter the new code shown"),
    "captcha_spent": _l("That visual code has already been used. Enter the new code shown"),
    # SMS codes
    "code_required": _l("Enter the code we sent you"),
    "code_malformed": _l("Enter the 6 digits of the code we sent you"),
    "code_wrong": _l("The code is not right. Check the text message and try again"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(count)s is a
    # number; the sentence's form follows it.
    "code_expired": lazy_plural("This code has expired. Ask for a new code and use it within %(count)s minute", "This code has expired. Ask for a new code and use it within %(count)s minutes", "code_minutes"),
    "code_spent": _l("This code has already been used. Ask for a new code"),
    "code_too_many_tries": _l("You have entered a wrong code too many times. Ask for a new code"),
    "code_no_code": _l("There is no code for this step yet. Ask for a code"),
    "resend_too_soon": _l("Wait a minute before asking for another code"),
    "too_many_codes": _l("You have asked for too many codes. Try again in an hour"),
    "sms_failed": _l("We could not send the code. Try again in a moment"),
    # TRANSLATORS: Shown at once when the text-message provider has failed several times in
    # a row and the site waits before trying it again. %(count)s is a number of minutes.
    "sms_paused": lazy_plural("We could not send the code. Try again in %(count)s minute",
                              "We could not send the code. Try again in %(count)s minutes",
                              "sms_pause_minutes"),
    # Sign-in
    "identifier_required": _l("Enter your username or your ID or iqama number"),
    "sign_in_rejected": _l("The username, ID number or password is not right. Check them and try again"),
    "sign_in_locked": _l("This account is locked for a while after too many wrong passwords. Try again later, or use Forgot password"),
    "sign_in_needs_recovery": _l("This account is locked after too many wrong passwords. Use Forgot password to set a new password"),
    "signed_out_idle": _l("You were signed out because you did nothing for a while. Sign in again"),
    "signed_out": _l("You have signed out"),
    "signed_out_everywhere": _l("You have signed out on all your devices"),
    "signed_out_lifetime": _l("You were signed out because your session reached its time limit. For your security, sign in again"),
    # Security questions
    "security_question_required": _l("Choose a question from the list"),
    "security_question_repeated": _l("Choose a different question. Your three questions must all be different"),
    "security_answer_required": _l("Enter your answer to the question you chose"),
    "security_answer_too_short": _l("Your answer must be at least 2 characters"),
    "security_answer_too_long": _l("Your answer must be 100 characters or fewer"),
    "security_questions_password_required": _l("Enter your current password"),
    "security_questions_password_wrong": _l("The password is not right. Enter the password you use to sign in"),
    "security_questions_saved": _l("Your security questions have been saved"),
    # Password recovery
    "recovery_no_match": _l("We could not find an account with this ID or iqama number and mobile number. Check both and try again"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(support_number)s
    # is Absher's support line, 920020405.
    "recovery_locked": _l("Password recovery for this account is locked for an hour after wrong answers. Try again later, or call %(support_number)s"),
    "recovery_wrong_step": _l("This step of your password recovery is not available. Start again"),
    "recovery_expired": _l("Your password recovery was not finished in time. Start again"),
    "question_required": _l("Choose one of your security questions"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form.
    "answer_required": _l("Enter your answer"),
    "answer_wrong": _l("That answer is not right. Check it and try again"),
    "password_same_as_current": _l("Your new password must be different from your current password"),
    # Registration as a whole
    "registration_expired": _l("Your registration was not finished in time. Fill in the form again"),
    "registration_conflict_username": _l("Someone else registered this username while you were confirming your number. Fill in the form again with a different username"),
    "registration_conflict_mobile": _l("This mobile number was registered to another account while you were confirming it. Fill in the form again with a different number"),
    "registration_conflict_national_id": _l("An account was created for this ID or iqama number while you were confirming your number. Sign in instead"),
    # Account changes
    "current_password_required": _l("Enter your current password"),
    "current_password_wrong": _l("Your current password is not right. Check it and try again"),
    "password_change_locked": _l("You have entered a wrong password too many times, so your account is locked for a while. Try again later"),
    "new_password_required": _l("Enter a new password"),
    "new_mobile_required": _l("Enter your new mobile number"),
    "mobile_same": _l("This is already your mobile number. Enter a different number"),
    "mobile_change_taken": _l("This mobile number was registered to another account while you were confirming it. Enter a different number"),
    "new_email_required": _l("Enter your new email address"),
    "email_same": _l("This is already your email address. Enter a different address"),
    "account_password_changed": _l("Your password has been changed. You have been signed out on your other devices"),
    "account_mobile_changed": _l("Your mobile number has been changed. We will send codes and notices to the new number"),
    "account_email_changed": _l("Your email address has been changed"),
    "account_language_saved": _l("Your preferred language has been saved. We will use it for your pages and text messages"),
    # Passports office console (officers, not citizens)
    # TRANSLATORS: A message shown beside a form field or at the top of the form.
    "staff_username_required": _l("Enter your username"),
    "staff_sign_in_rejected": _l("The username or password is not right. Check them and try again"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(time)s is a date
    # and time, e.g. 25 November 2026، 14:30.
    "staff_sign_in_locked": _l("This officer account is locked after too many wrong passwords. Try again after %(time)s"),
    "staff_national_id_required": _l("Enter the ID or iqama number"),
    "staff_national_id_format": _l("Enter the ID or iqama number as 10 digits, starting with 1 or 2"),
    "staff_national_id_invalid": _l("Check the ID or iqama number: it is not a valid number"),
    "staff_no_account": _l("No account is registered for this ID or iqama number"),
    "staff_fingerprints_required": _l("Confirm that you have verified the holder's fingerprints on the device"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(national_id)s is
    # a 10-digit ID or iqama number.
    "staff_account_activated": _l("The account of ID %(national_id)s is now active. An SMS has been sent to the holder"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(national_id)s is
    # a 10-digit ID or iqama number.
    "staff_account_activated_sms_failed": _l("The account of ID %(national_id)s is now active. The SMS to the holder could not be sent yet: it will be sent again automatically"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(national_id)s is
    # a 10-digit ID or iqama number.
    "staff_already_active": _l("The account of ID %(national_id)s is already active. Nothing was changed"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(national_id)s is
    # a 10-digit ID or iqama number.
    "staff_account_unlocked": _l("The account of ID %(national_id)s is unlocked. The holder can sign in and recover the password again"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(national_id)s is
    # a 10-digit ID or iqama number.
    "staff_not_locked": _l("The account of ID %(national_id)s is not locked. Nothing was changed"),
    "staff_new_mobile_required": _l("Enter the holder's new mobile number"),
    "staff_mobile_same": _l("This is already the holder's mobile number. Enter a different number"),
    "staff_code_required": _l("Enter the code the holder reads out from their phone"),
    "staff_mobile_change_taken": _l("This mobile number was registered to another account while the code was on its way. Enter a different number"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(mobile)s is a
    # mobile number, e.g. +966512345678; %(national_id)s is a 10-digit ID or iqama number.
    "staff_mobile_changed": _l("The mobile number of the account of ID %(national_id)s is now %(mobile)s. A text message has told the old number"),
    # TRANSLATORS: A message shown beside a form field or at the top of the form. %(mobile)s is a
    # mobile number, e.g. +966512345678; %(national_id)s is a 10-digit ID or iqama number.
    "staff_mobile_changed_sms_failed": _l("The mobile number of the account of ID %(national_id)s is now %(mobile)s. The text message to the old number could not be sent yet: it will be sent again automatically"),
    # TRANSLATORS: On My requests, after the holder withdrew a request. %(number)s is its
    # number.
    "request_withdrawn": _l("Your request %(number)s is withdrawn"),
    # TRANSLATORS: On My requests: the request was decided before the holder could withdraw
    # it. %(number)s is its number.
    "request_not_open": _l("Your request %(number)s was already decided, so it cannot be withdrawn"),
    # TRANSLATORS: In a Civil Affairs officer's queue, beside the field for the reason of
    # a refusal.
    "staff_refusal_reason_required": _l("Write why you refuse the request: the holder reads it"),
    # TRANSLATORS: In a Civil Affairs officer's queue, beside the field for the reason of a
    # refusal. %(count)s is the most characters it takes (500).
    "staff_refusal_reason_too_long": lazy_plural(
        "Write the reason in %(count)s character or fewer",
        "Write the reason in %(count)s characters or fewer", "refusal_reason_max"),
    # TRANSLATORS: In a Civil Affairs officer's queue, after the officer approved a request.
    # %(number)s is the request's number.
    "staff_request_approved": _l("Request %(number)s is approved. The holder is told by SMS"),
    # TRANSLATORS: In a Civil Affairs officer's queue, after the officer refused a request.
    # %(number)s is the request's number.
    "staff_request_refused": _l("Request %(number)s is refused. The holder is told by SMS and reads your reason on Absher"),
    # TRANSLATORS: In a Civil Affairs officer's queue: another officer decided the request,
    # or the holder withdrew it, before this officer's decision. %(number)s is its number.
    "staff_request_already_decided": _l("Request %(number)s was already decided or withdrawn. Nothing was changed"),
    # TRANSLATORS: In a Passports officer's queue, after the officer marked a passport printed. %(number)s is the request's number.
    "staff_passport_printed": _l("The passport of request %(number)s is marked printed. The holder is told by SMS"),
    # TRANSLATORS: In a Passports officer's queue, after the officer marked a passport delivered. %(number)s is the request's number.
    "staff_passport_delivered": _l("The passport of request %(number)s is marked delivered and recorded in the Passports registry. The holder is told by SMS"),
    # TRANSLATORS: In a Passports officer's queue, when another officer (or the holder's withdrawal) changed the request first. %(number)s is its number.
    "staff_passport_already": _l("Request %(number)s was already moved on or withdrawn. Nothing was changed"),
    # Birth registration: the newborn's first name (services/names.py) and the delivery.
    # TRANSLATORS: A message beside the newborn's first name in Arabic (birth registration).
    "birth_name_ar_required": _l("Enter the child's first name in Arabic"),
    # TRANSLATORS: A message beside the English form of the newborn's first name.
    "birth_name_en_required": _l("Enter the child's first name in English letters"),
    # TRANSLATORS: A message beside the newborn's first name (birth registration). %(num)s is the longest a first name may be, in letters (20).
    "birth_name_too_long": _l("The first name is too long. Enter one name of at most %(num)s letters"),
    # TRANSLATORS: A message beside the newborn's first name: titles such as الأمير، الشيخ، سمو (Prince, Sheikh, His Highness) are not part of a name.
    "birth_name_title": _l("Enter the name without a title such as Prince, Sheikh or Highness: titles are not part of a name"),
    # TRANSLATORS: A message beside the newborn's first name. عبدالله is written in Arabic in both languages' messages: it is an example of a compound name written as one word.
    "birth_name_one": _l("Enter one first name only, without spaces. A compound name such as عبدالله is written as one word"),
    # TRANSLATORS: A message beside the newborn's first name in Arabic.
    "birth_name_ar_letters": _l("Use Arabic letters only in the Arabic name: no Latin letters, digits or signs"),
    # TRANSLATORS: A message beside the English form of the newborn's first name.
    "birth_name_en_letters": _l("Use English letters only (A to Z) in the English name: no Arabic letters, digits, hyphens or signs"),
    # TRANSLATORS: A message beside the newborn's first name in Arabic: a name may not begin with the article ال unless it is a name accepted as such (الجوهرة).
    "birth_name_ar_article": _l("Enter the first name without the article ال in front of it"),
    # TRANSLATORS: A message beside the English form of the newborn's first name: no "Al-" or "El-" in front.
    "birth_name_en_article": _l("Enter the first name without Al- or El- in front of it"),
    # TRANSLATORS: A message beside the newborn's first name: compound names (عبد…, أبو…) are accepted only from the list of names.
    "birth_name_compound": _l("This compound name is not accepted. Choose a single name, or a compound name Civil Affairs accepts, such as Abdullah or Abdulrahman"),
    # TRANSLATORS: A message beside the newborn's first name: the name is on the list Civil Affairs refuses.
    "birth_name_refused": _l("Civil Affairs does not accept this name for a child. Choose another first name"),
    # TRANSLATORS: A message beside the choice of how the birth certificate reaches the holder.
    "birth_delivery_required": _l("Choose how you will receive the birth certificate"),
    # TRANSLATORS: A message beside the choice of a passport's validity (5 or 10 years).
    "passport_years_required": _l("Choose how many years the passport is valid"),
    # TRANSLATORS: A message beside the choice of a passport's validity. %(age)s is the age (21) from which a passport may be valid 10 years.
    "passport_ten_years_age": _l("A passport valid 10 years is issued from the age of %(age)s. Choose 5 years"),
    # TRANSLATORS: A message beside the choice of how a new passport reaches the holder.
    "passport_delivery_required": _l("Choose how you will receive the passport"),
    # TRANSLATORS: A message beside the list of cities with a Passports office.
    "passport_office_required": _l("Choose the city of the Passports office where you will collect the passport"),
    # Tahseen (forms/tahseen.py)
    # TRANSLATORS: A message beside the choice of a Tahseen ticket's kind.
    "tahseen_kind_required": _l("Choose whether you are sending a complaint, a question or a suggestion"),
    # TRANSLATORS: A message beside the list of a Tahseen ticket's topics.
    "tahseen_topic_required": _l("Choose what it is about"),
    # TRANSLATORS: A message beside the text of a Tahseen ticket.
    "tahseen_text_required": _l("Write your complaint, question or suggestion"),
    # TRANSLATORS: A message beside a Civil Affairs officer's answer to a Tahseen ticket.
    "tahseen_answer_required": _l("Write the answer the holder will read"),
    # TRANSLATORS: A message beside the officer's choice: answer a Tahseen ticket, or close it without an answer.
    "tahseen_outcome_required": _l("Choose whether you answer the ticket or close it"),
    # TRANSLATORS: A message beside the search field of the job openings: what was typed is too long.
    "jobs_words_too_long": _l("Search with fewer words: a few words of the job title are enough"),
    # TRANSLATORS: A message beside a filter of the job openings search: the address asked for a choice the list does not have.
    "jobs_choice_invalid": _l("Choose one of the list"),
    # TRANSLATORS: A message at the top of the job openings search: the page number in the address is not one of the results' pages.
    "jobs_page_invalid": _l("This page of results does not exist. Start from the first page"),
    # TRANSLATORS: A message beside the list of qualifications on a job application.
    "jobs_qualification_required": _l("Choose your highest qualification"),
    # TRANSLATORS: A message beside the list of qualifications on a job application. %(qualification)s is the qualification the opening asks for, e.g. Bachelor's degree.
    "jobs_qualification_too_low": _l("This opening asks for at least: %(qualification)s"),
    # TRANSLATORS: On My job applications, after the holder applied. %(number)s is the application's number.
    "jobs_applied": _l("Your application %(number)s is sent. A recruiter of the Ministry reads it, and we text you once they decide"),
    # TRANSLATORS: In the recruiters' queue, after the recruiter shortlisted an application. %(number)s is its number.
    "staff_job_shortlisted": _l("Application %(number)s is shortlisted. The applicant is told by SMS"),
    # TRANSLATORS: In the recruiters' queue, after the recruiter declined an application. %(number)s is its number.
    "staff_job_declined": _l("Application %(number)s is declined. The applicant is told by SMS and reads your reason on Absher"),
    # Public decorum violations (forms/decorum.py, services/decorum.py).
    # TRANSLATORS: In the officer console, beside the list of the regulation's violations.
    "decorum_article_required": _l("Choose the violation from the list"),
    # TRANSLATORS: In the officer console, beside the place of a public decorum violation.
    "decorum_place_required": _l("Enter the place where the violation happened"),
    # TRANSLATORS: In the officer console, beside the place of a violation. %(count)s is the most characters it takes (200).
    "decorum_place_too_long": lazy_plural(
        "Write the place in %(count)s character or fewer",
        "Write the place in %(count)s characters or fewer", "place_max"),
    # TRANSLATORS: In the officer console, beside the day of a public decorum violation.
    "decorum_day_required": _l("Enter the day the violation happened"),
    # TRANSLATORS: In the officer console, beside the day of a violation: the form is year-month-day.
    "decorum_day_format": _l("Enter the day as year-month-day, for example 2026-12-01"),
    # TRANSLATORS: In the officer console, beside the time of a public decorum violation.
    "decorum_time_required": _l("Enter the time the violation happened"),
    # TRANSLATORS: In the officer console, beside the time of a violation: hours and minutes, 24-hour clock.
    "decorum_time_format": _l("Enter the time as hours and minutes on the 24-hour clock, for example 17:30"),
    # TRANSLATORS: In the officer console, beside the day and time of a violation.
    "decorum_time_future": _l("The day and time are in the future. Enter when the violation happened"),
    # TRANSLATORS: In the officer console, beside the day of a violation that happened too long ago to record it here. %(count)s is how many days back an officer records (30).
    "decorum_time_too_old": lazy_plural(
        "This violation happened more than %(count)s day ago, too long ago to record it here",
        "This violation happened more than %(count)s days ago, too long ago to record it here",
        "record_days"),
    # TRANSLATORS: In the officer console, beside the ID number: nobody in the civil registry has it.
    "decorum_person_unknown": _l("The civil registry has no one with this ID or iqama number. Check it with the person's card"),
    # TRANSLATORS: Beside the reason for an objection to a public decorum violation.
    "decorum_reason_required": _l("Write why you object: the objections committee reads it"),
    # TRANSLATORS: Beside the reason for an objection. %(count)s is the fewest characters it takes (10).
    "decorum_reason_too_short": lazy_plural(
        "Write your reason in at least %(count)s character",
        "Write your reason in at least %(count)s characters", "reason_min"),
    # TRANSLATORS: Beside the reason for an objection. %(count)s is the most characters it takes (1000).
    "decorum_reason_too_long": lazy_plural(
        "Write your reason in %(count)s character or fewer",
        "Write your reason in %(count)s characters or fewer", "reason_max"),
    # Why an officer opens a holder's record (services/staff_looks.py).
    # TRANSLATORS: Beside the reasons an officer chooses from before a holder's record is shown.
    "staff_look_reason_required": _l("Choose why you are opening this holder's record"),
    # TRANSLATORS: Beside the field for an officer's own words, when they chose "another reason".
    "staff_look_note_required": _l("Write the reason: the holder reads it"),
    # TRANSLATORS: Beside the field for an officer's own words. %(count)s is the most
    # characters it takes (200).
    "staff_look_note_too_long": lazy_plural(
        "Write the reason in %(count)s character or fewer",
        "Write the reason in %(count)s characters or fewer", "look_note_max"),
    # Devices and the security activity
    # TRANSLATORS: Shown on the sign-in page after the holder said "This wasn't me" about an event of their security activity. %(support_number)s is the support line.
    "signed_out_not_me": _l("You were signed out on every device, this one too. Now use Forgot password to set a new password, then check your mobile number and email. If you need help, call %(support_number)s"),
    # TRANSLATORS: A notice on the Devices page after the holder signed one device out.
    "device_signed_out": _l("That device is signed out. Anyone using it must sign in again"),
    # TRANSLATORS: A notice on the Devices page: the device was signed out already (its session ended meanwhile).
    "device_already_signed_out": _l("That device was already signed out"),
    # TRANSLATORS: A notice on the Devices page after "Sign out everywhere else".
    "devices_others_signed_out": _l("Every other device is signed out. You are still signed in here"),
    # TRANSLATORS: A message beside a date of the security activity's filter.
    "activity_date_invalid": _l("Enter a real date, for example 2026-12-31"),
    # TRANSLATORS: A message beside the last day of the security activity's filter.
    "activity_dates_reversed": _l("The last day must be the same as the first day or after it"),
    # TRANSLATORS: A message beside the kind of activity in the security activity's filter.
    "activity_kind_invalid": _l("Choose a kind of activity from the list"),
    # TRANSLATORS: A message on the security activity page when a link to a later page was changed.
    "activity_page_invalid": _l("This page of your activity cannot be shown. Start again from the newest"),
}


def message(key: str, **values: object) -> str:
    """The message for ``key``, its placeholders filled from the settings (wording) and
    ``values`` (escaped unless Markup)."""
    text = MESSAGES[key]
    if not values and not isinstance(text, PluralText) and "%(" not in str(text):
        return str(text)
    return wording.fill(text, {**wording.standing_values(), **values}, markup=True)
