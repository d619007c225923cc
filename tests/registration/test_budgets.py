"""Each htmx step response fits the 3 KB (compressed) budget in DESIGN.md."""

from __future__ import annotations

import brotli
import pytest

from absher_web.config import Config

BUDGET = 3 * 1024


def compressed_size(response) -> int:
    # Brotli at the app's level (Flask-Compress's COMPRESS_BR_LEVEL): the body on the wire.
    return len(brotli.compress(response.data, quality=Config.COMPRESS_BR_LEVEL))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_htmx_steps_are_at_most_3_kb_compressed(app, make_person, lang, sms_outbox):
    from tests.registration.conftest import Registrant

    registrant = Registrant(app, app.test_client(), make_person(), lang=lang)
    registrant.open_form()
    responses = {}
    responses["form with errors"] = registrant.submit(htmx=True, username="bad")
    responses["code step"] = registrant.submit(htmx=True)
    code = sms_outbox.last_code()
    responses["wrong code"] = registrant.enter_code("000000" if code != "000000" else "111111",
                                                    htmx=True)
    responses["new visual code"] = registrant.client.get(
        f"/{lang}/visual-code/new?page=/{lang}/register",
        headers={"HX-Request": "true"})
    responses["done"] = registrant.enter_code(code, htmx=True)
    sizes = {name: compressed_size(response) for name, response in responses.items()}
    print(lang, sizes)
    assert all(b"<html" not in response.data for response in responses.values())
    assert {name: size for name, size in sizes.items() if size > BUDGET} == {}
