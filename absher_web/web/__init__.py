"""Blueprints: thin views that validate a form, call a service and render."""

from __future__ import annotations

from flask import Flask, current_app


def activation_delay_seconds(channel: str) -> int:
    """How long after the request an activation by ``channel`` takes effect (for pages)."""
    from absher_web.models import ActivationChannel
    from absher_web.services import activation

    delay = activation.Settings.from_config(current_app.config).delay(
        activation.CHANNELS[ActivationChannel(channel)])
    return int(delay.total_seconds())


def register_blueprints(app: Flask) -> None:
    from absher_web import dates, wording
    from absher_web.agencies.civil_registry import city_name, district_name
    from absher_web.forms.messages import message
    from absher_web.money import money
    from absher_web.nationalities import nationality_name
    from absher_web.web import (
        account,
        account_changes,
        api,
        api_payments,
        auth,
        births,
        data_rights,
        decorum,
        devices,
        documents,
        employment,
        eservices,
        family,
        family_records,
        files,
        inbox,
        investors,
        my_requests,
        passports,
        payments,
        premium_visas,
        public,
        recovery,
        registration,
        security_questions,
        sessions,
        staff,
        staff_decorum,
        staff_employment,
        staff_passports,
        staff_queues,
        staff_tahseen,
        tahseen,
        verify,
        visual_code,
    )
    from absher_web.web.flow import ltr
    from absher_web.web.htmx import without_indentation
    from absher_web.web.vehicle_names import plate_name, vehicle_name
    from absher_web.web.visual_code_tokens import fresh_captcha_token

    # Registered after Flask-Compress, so it runs before it (Flask runs these last first).
    app.after_request(without_indentation)
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_payments.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(visual_code.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(account_changes.bp)
    app.register_blueprint(eservices.bp)
    app.register_blueprint(family.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(births.bp)
    app.register_blueprint(passports.bp)
    app.register_blueprint(family_records.bp)
    app.register_blueprint(payments.bp)
    app.register_blueprint(recovery.bp)
    app.register_blueprint(security_questions.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff_queues.bp)
    app.register_blueprint(staff_passports.bp)
    app.register_blueprint(my_requests.bp)
    app.register_blueprint(premium_visas.bp)
    app.register_blueprint(tahseen.bp)
    app.register_blueprint(staff_tahseen.bp)
    app.register_blueprint(investors.bp)
    app.register_blueprint(employment.bp)
    app.register_blueprint(employment.account_bp)
    app.register_blueprint(staff_employment.bp)
    app.register_blueprint(decorum.bp)
    app.register_blueprint(staff_decorum.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(files.staff_bp)
    files.init_app(app)
    app.register_blueprint(data_rights.bp)  # who looked at my data, download my data
    app.register_blueprint(inbox.bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(devices.bp)
    if app.config["STATES_GALLERY"]:
        from absher_web.web import dev_states

        app.register_blueprint(dev_states.bp)
    sessions.init_app(app)
    staff.init_app(app)  # after sessions: see staff.keep_roles_apart
    app.jinja_env.globals.update(message=message, fresh_captcha_token=fresh_captcha_token,
                                 ltr=ltr, dates=dates, nationality_name=nationality_name,
                                 activation_delay_seconds=activation_delay_seconds,
                                 city_name=city_name, district_name=district_name,
                                 plate_name=plate_name, vehicle_name=vehicle_name,
                                 money=money)

    @app.context_processor
    def standing_values() -> dict:
        # Every page names the code's lifetime, the minimum lengths and the support numbers
        # as `wording.<name>`, never as a number of its own.
        return {"wording": wording.standing_values()}
