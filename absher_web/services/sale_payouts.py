"""The payout of a completed vehicle sale's price to the seller (services/vehicle_sales.py),
sent by run-due as refunds are (services/refunds.py), with the same signed POST
(refunds.instruct) to the bank that holds the price, at its instruction URL:

1. Claim: a short transaction pushes ``payout_next_at`` forward (CLAIM_HOLD), conditional on
   it still being due, and counts the try; rows are handed out FOR UPDATE SKIP LOCKED, so one
   runner on any number of machines sends each payout.
2. Call, with no transaction open (absher_web.outside.call).
3. Record: the bank's yes sets ``paid_out_at`` once (conditional), audits it for the seller
   and texts them; anything else keeps the payout with its error and a growing pause.

The instruction (POST, application/json): {"payout_reference": "absher-payout-<sale id>",
"amount": <halalas>, "iban": "SA…", "bill_number": "<the price's bill>",
"payment_reference": "<the bank's reference of the price's payment>"}; the bank pays one
payout reference once and answers 2xx with {"bank_reference": "…"}.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import traffic
from absher_web.models import ApiClient, ApiClientKind, Bill, SaleStatus, VehicleSale
from absher_web.services import api_clients, audit, notices, refunds
from absher_web.services.eservices.fees import amount_in
from absher_web.services.outbox import pause_after

log = logging.getLogger(__name__)

PAID_OUT = "vehicle_sale_paid_out"  # the seller's security activity
CLAIM_HOLD = timedelta(minutes=10)  # a claimed payout is not taken again for this long


def payout_reference(sale_id: int) -> str:
    """Ours, one per sale: the bank pays a repeated instruction once."""
    return f"absher-payout-{sale_id}"


def payout_instruction(sale: VehicleSale, price_bill: Bill) -> bytes:
    return json.dumps({"payout_reference": payout_reference(sale.id), "amount": sale.price,
                       "iban": sale.seller_iban, "bill_number": price_bill.number,
                       "payment_reference": price_bill.bank_reference}).encode()


def _payout_due(now: datetime):  # noqa: ANN202 (a SQL condition)
    return ((VehicleSale.status == SaleStatus.COMPLETED) & VehicleSale.paid_out_at.is_(None)
            & (VehicleSale.payout_next_at <= now))


def send_due(begin, now: datetime,  # noqa: ANN001 (a transaction maker)
             price_bill_of: Callable[[Session, VehicleSale], Bill]) -> int:
    """Send each due payout to the bank that holds the price (its instruction URL, signed
    as refunds are), claimed first by a conditional UPDATE so one runner sends it; a failure
    is kept with a growing pause. How many the banks took."""
    config = current_app.config
    cipher = api_clients.cipher_from_config(config)
    sent = 0
    tried: set[int] = set()
    while True:
        with begin() as session:
            query = (select(VehicleSale.id).join(ApiClient,
                                                 ApiClient.code == VehicleSale.payout_bank)
                     .where(_payout_due(now), ApiClient.refund_url.is_not(None),
                            ApiClient.is_active.is_(True), ApiClient.kind == ApiClientKind.BANK)
                     .order_by(VehicleSale.payout_next_at, VehicleSale.id).limit(1)
                     .with_for_update(skip_locked=True, of=VehicleSale))
            if tried:
                query = query.where(VehicleSale.id.not_in(tried))
            sale_id = session.scalar(query)
            if sale_id is None:
                return sent
            tried.add(sale_id)
            if session.execute(update(VehicleSale).where(VehicleSale.id == sale_id,
                                                         _payout_due(now))
                               .values(payout_next_at=now + CLAIM_HOLD,
                                       payout_attempts=VehicleSale.payout_attempts + 1)
                               .execution_options(synchronize_session=False)).rowcount != 1:
                continue
            sale = session.get(VehicleSale, sale_id, populate_existing=True)
            client = session.scalars(select(ApiClient).where(
                ApiClient.code == sale.payout_bank)).one()
            url, bank, key = client.refund_url, client.code, api_clients.signing_key(cipher,
                                                                                      client)
            body = payout_instruction(sale, price_bill_of(session, sale))
        reference, problem = refunds.instruct("payout instruction", url, bank, key, body,
                                              config["BANK_TIMEOUT_SECONDS"])
        with begin() as session:
            sale = session.get(VehicleSale, sale_id)
            if problem is None:
                if session.execute(update(VehicleSale).where(
                        VehicleSale.id == sale_id, VehicleSale.paid_out_at.is_(None))
                        .values(paid_out_at=now, payout_next_at=None, payout_error=None,
                                payout_reference=reference or payout_reference(sale_id))
                        .execution_options(synchronize_session=False)).rowcount == 1:
                    sent += 1
                    audit.record(session, PAID_OUT, now, sale.seller_account_id, None,
                                 sale=sale.id)
                    language = sale.seller.preferred_language
                    notices.queue(session, notices.SALE_PAID_OUT, sale.seller, now,
                                  at_once=False, plate=traffic.plate_of(sale.vehicle, language),
                                  price=amount_in(language, sale.price))
            else:
                log.warning("payout of sale %s failed (try %s): %s", sale_id,
                            sale.payout_attempts, problem)
                session.execute(update(VehicleSale).where(
                    VehicleSale.id == sale_id, VehicleSale.paid_out_at.is_(None))
                    .values(payout_error=str(problem)[:200],
                            payout_next_at=now + pause_after(sale.payout_attempts))
                    .execution_options(synchronize_session=False))
