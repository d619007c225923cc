"""A bank and a kiosk operator for the payment tests, signing as they do."""

from __future__ import annotations

import pytest

from absher_web.models import ApiClientKind
from tests.activation.conftest import add_caller
from tests.payments.notices import CARRIED


@pytest.fixture
def bank(app):
    CARRIED.clear()
    return add_caller(app, "RJHI", ApiClientKind.BANK)


@pytest.fixture
def kiosk(app):
    return add_caller(app, "KSK1", ApiClientKind.KIOSK)
