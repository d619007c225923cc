"""Fixture data for the states gallery (web/dev_states/): one citizen, one officer,
their records, always the same. Plain model objects, never added to a database session,
so rendering a state reads and writes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.identity import luhn_check_digit
from absher_web.models import (
    Account,
    ActivationState,
    AuditEvent,
    Bill,
    BillStatus,
    Language,
    Person,
    PersonKind,
    SponsoredKind,
    Sponsorship,
    StaffUser,
    TrafficViolation,
    Vehicle,
    ViolationStatus,
)
from absher_web.services.eservices import Validity
from absher_web.services.eservices.fingerprint import Enrolment
from absher_web.services.eservices.sponsored import HealthInsurance, Sponsored, SponsoredView
from absher_web.services.eservices.vehicles import MyVehicles, VehicleView

# Every date a state shows counts from here, so a state looks the same on every day.
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
MOBILE = "+966551234567"
NEW_MOBILE = "+966559876543"


def person() -> Person:
    return Person(national_id=DEMO_IDS[0], kind=PersonKind.CITIZEN,
                  name_ar="محمد عبدالله سعد العتيبي", name_en="Mohammed Abdullah Saad Al-Otaibi",
                  birth_date=date(1990, 3, 15), nationality="SAU", id_expiry=date(2030, 3, 1),
                  city="الرياض", district="حي النخيل")


def account(state: ActivationState = ActivationState.NOT_ACTIVATED, **changes) -> Account:
    """The citizen's account, not locked, with the given activation state."""
    values = dict(id=1, national_id=DEMO_IDS[0], username="Mohammed1990", mobile=MOBILE,
                  email="mohammed@example.com", preferred_language=Language.ARABIC,
                  activation_state=state, consecutive_failures=0, lockouts=0,
                  failures_since_recovery=0, recovery_wrong_answers=0, created_at=NOW,
                  activated_at=NOW - timedelta(days=30) if state is ActivationState.ACTIVE
                  else None)
    values.update(changes)
    held = Account(**values)
    held.person = person()
    return held


def events() -> list[AuditEvent]:
    """Recent security activity, newest first."""
    kinds = ("signed_in", "password_changed", "sign_in_failed", "account_created")
    return [AuditEvent(kind=kind, created_at=NOW - timedelta(days=n, hours=n))
            for n, kind in enumerate(kinds)]


def officer() -> StaffUser:
    """An officer of both consoles (the menu shows both), in Riyadh."""
    return StaffUser(id=1, username="officer.riyadh", full_name="Khalid Saleh Al-Harbi",
                     office="Riyadh Passports Office", is_active=True,
                     roles=["passports", "civil_affairs"], city="الرياض")


# --- e-service answers ---------------------------------------------------------------------


def enrolment() -> Enrolment:
    return Enrolment(recorded_at=NOW - timedelta(days=30), office="Riyadh Passports Office")


def enrolment_at_kiosk() -> Enrolment:
    return Enrolment(recorded_at=NOW - timedelta(days=3), kiosk="RUH-MALL-07",
                     operator="Absher Kiosks")


def _vehicle(letters: str, number: str, make: str, model: str, insurance: int | None,
             impounded: bool = False, violations: tuple[tuple[str, int, bool], ...] = (),
             country: str = "SAU") -> Vehicle:
    vehicle = Vehicle(
        plate_country=country, plate_letters=letters, plate_number=number, make=make,
        model=model, year=2021, colour="white", owner_id=DEMO_IDS[0] if letters else None,
        insurance_company="Tawuniya" if insurance is not None else None,
        insurance_expiry=TODAY + timedelta(days=insurance) if insurance is not None else None,
        impounded_since=TODAY - timedelta(days=12) if impounded else None,
        impound_place="حجز الرياض - السلي" if impounded else None)
    vehicle.violations = [
        TrafficViolation(id=int(number) * 10 + n, reference=f"FX{number}{n}", kind=kind,
                         amount=amount,
                         committed_on=TODAY - timedelta(days=40 * (n + 1)), place="الرياض",
                         status=ViolationStatus.PAID if paid else ViolationStatus.UNPAID)
        for n, (kind, amount, paid) in enumerate(violations)]
    return vehicle


def _view(vehicle: Vehicle, insurance: Validity) -> VehicleView:
    unpaid = [v for v in vehicle.violations if v.status is ViolationStatus.UNPAID]
    return VehicleView(vehicle, insurance, list(vehicle.violations), len(unpaid),
                       sum(v.halalas for v in unpaid))


def my_vehicles() -> MyVehicles:
    """Three cars: insured, insurance expiring soon and impounded, uninsured."""
    return MyVehicles([
        _view(_vehicle("ABD", "1234", "Toyota", "Camry", 300,
                       violations=(("speeding", 300, False), ("parking", 150, True))),
              Validity.VALID),
        _view(_vehicle("HRS", "817", "Hyundai", "Accent", 12, impounded=True,
                       violations=(("red_light", 500, False),)), Validity.EXPIRES_SOON),
        _view(_vehicle("KLZ", "45", "Nissan", "Patrol", None), Validity.NONE),
    ])


def foreign_vehicle() -> VehicleView:
    return _view(_vehicle("", "12345", "Nissan", "Sunny", None, country="BHR",
                          violations=(("speeding", 300, False), ("parking", 150, True))),
                 Validity.NONE)


def _sponsored(kind: SponsoredKind, number: str, name_ar: str, name_en: str,
               nationality: str, permit: Validity, insurance: Validity) -> SponsoredView:
    days = {Validity.VALID: 300, Validity.EXPIRES_SOON: 20, Validity.EXPIRED: -10}
    record = Sponsorship(
        sponsor_id=DEMO_IDS[0], person_id=number, name_ar=name_ar, name_en=name_en, kind=kind,
        nationality=nationality, permit_expiry=TODAY + timedelta(days=days[permit]),
        health_insurer="Bupa Arabia" if insurance is not Validity.NONE else None,
        health_insurance_expiry=TODAY + timedelta(days=days[insurance])
        if insurance is not Validity.NONE else None)
    return SponsoredView(record, permit, insurance)


def sponsored() -> list[SponsoredView]:
    """A worker, a domestic worker and a visitor: every validity state among them."""
    return [
        _sponsored(SponsoredKind.WORKER, DEMO_IDS[2], "أحمد محمود حسن منصور",
                   "Ahmed Mahmoud Hassan Mansour", "EGY", Validity.VALID, Validity.VALID),
        _sponsored(SponsoredKind.DOMESTIC_WORKER, "2234567896", "ماريا سانتوس", "Maria Santos",
                   "PHL", Validity.EXPIRES_SOON, Validity.EXPIRED),
        _sponsored(SponsoredKind.VISITOR, "3100000000", "سيتي نور", "Siti Nur", "IDN",
                   Validity.EXPIRES_SOON, Validity.NONE),
    ]


def workers_and_visitors() -> Sponsored:
    return Sponsored(sponsored())


def health_insurance() -> HealthInsurance:
    workers = [view for view in sponsored() if view.record.kind is not SponsoredKind.VISITOR]
    return HealthInsurance(own=None, sponsored=workers)


def health_insurance_of_resident() -> HealthInsurance:
    own = _sponsored(SponsoredKind.WORKER, DEMO_IDS[2], "أحمد محمود حسن منصور",
                     "Ahmed Mahmoud Hassan Mansour", "EGY", Validity.VALID,
                     Validity.EXPIRES_SOON)
    return HealthInsurance(own=own, sponsored=[])


def _authorisation(id: int, status, ends_in: int, owner: Account, driver: Account,  # noqa: A002
                   vehicle: Vehicle):
    from absher_web.models import DrivingAuthorisation

    held = DrivingAuthorisation(id=id, status=status, starts_on=TODAY - timedelta(days=5),
                                ends_on=TODAY + timedelta(days=ends_in), created_at=NOW)
    held.owner, held.driver, held.vehicle = owner, driver, vehicle
    return held


def other_holder() -> Account:
    """Another holder, the citizen's counterpart in a driving authorisation or a sale."""
    other = Account(id=2, national_id=DEMO_IDS[1], mobile=NEW_MOBILE,
                    preferred_language=Language.ENGLISH,
                    activation_state=ActivationState.ACTIVE)
    other.person = Person(national_id=DEMO_IDS[1], kind=PersonKind.CITIZEN,
                          name_ar="سارة محمد القحطاني", name_en="Sarah Mohammed Al-Qahtani",
                          birth_date=date(1992, 5, 1), nationality="SAU",
                          id_expiry=date(2031, 1, 1), city="جدة", district="حي الروضة")
    return other


def driving_authorisations():
    """Given by the citizen (waiting, accepted, cancelled), one waiting for his answer and
    one he accepted."""
    from absher_web.models import AuthorisationStatus as Status
    from absher_web.services.eservices.driving import Authorisations

    me = account(ActivationState.ACTIVE)
    other = other_holder()
    camry = _vehicle("ABD", "1234", "Toyota", "Camry", 300)
    camry.id = 11
    hers = _vehicle("SNR", "552", "Kia", "Sportage", 200)
    hers.id = 12
    return Authorisations(
        given=[_authorisation(1, Status.PENDING, 30, me, other, camry),
               _authorisation(2, Status.ACCEPTED, 90, me, other, camry),
               _authorisation(3, Status.CANCELLED, 60, me, other, camry)],
        waiting=[_authorisation(4, Status.PENDING, 14, other, me, hers)],
        held=[_authorisation(5, Status.ACCEPTED, 45, other, me, hers)],
        vehicles=[camry], today=TODAY)


def visitor(expires_in: int = 20, entered: int | None = 70, insured_for: int | None = 200,
            id: int = 21) -> Sponsorship:  # noqa: A002
    return Sponsorship(
        id=id, sponsor_id=DEMO_IDS[0], person_id="3100000000", name_ar="سيتي نور",
        name_en="Siti Nur", kind=SponsoredKind.VISITOR, nationality="IDN",
        permit_expiry=TODAY + timedelta(days=expires_in),
        entry_date=TODAY - timedelta(days=entered) if entered is not None else None,
        health_insurer="Bupa Arabia" if insured_for is not None else None,
        health_insurance_expiry=TODAY + timedelta(days=insured_for)
        if insured_for is not None else None)


def visa_extensions():
    from absher_web.models import VisaExtension

    done = VisaExtension(previous_expiry=TODAY - timedelta(days=70),
                         new_expiry=TODAY + timedelta(days=20), fee=10000, created_at=NOW)
    done.sponsorship = visitor()
    return [done]


def domestic_workers() -> list[Sponsorship]:
    """Two domestic workers: one reported absent three days ago, one not."""
    return [
        Sponsorship(id=31, sponsor_id=DEMO_IDS[0], person_id="2234567896", name_ar="ماريا سانتوس",
                    name_en="Maria Santos", kind=SponsoredKind.DOMESTIC_WORKER,
                    nationality="PHL", permit_expiry=TODAY + timedelta(days=200),
                    entry_date=TODAY - timedelta(days=400)),
        Sponsorship(id=32, sponsor_id=DEMO_IDS[0], person_id="2345678907", name_ar="أمينة حسن",
                    name_en="Amina Hassan", kind=SponsoredKind.DOMESTIC_WORKER,
                    nationality="ETH", permit_expiry=TODAY + timedelta(days=90)),
    ]


def absence_reports() -> dict:
    from absher_web.models import AbsenceReport

    made = AbsenceReport(id=41, sponsorship_id=31, account_id=1,
                         last_seen_on=TODAY - timedelta(days=4),
                         reported_at=NOW - timedelta(days=3))
    return {31: made}


# --- bills ------------------------------------------------------------------------------------

def bill(id: int, service: str, request_key: str, amount: int,  # noqa: A002
         status: BillStatus = BillStatus.UNPAID, fulfilled: bool = True,
         beneficiary: str = DEMO_IDS[0], **details: object) -> Bill:
    """A bill issued yesterday (paid, if it is, this morning), payable for 72 hours."""
    body = f"{7_310_000_000_00 + id:012d}"
    paid = status in (BillStatus.PAID, BillStatus.REFUNDING, BillStatus.REFUNDED)
    issued = NOW - timedelta(days=1)
    return Bill(id=id, number=body + luhn_check_digit(body), service=service,
                request_key=request_key, details=details, account_id=1,
                beneficiary_id=beneficiary, amount=amount, vat=0, status=status,
                created_at=issued, expires_at=issued + timedelta(hours=72),
                changed_at=NOW - timedelta(hours=2) if status is not BillStatus.UNPAID
                else issued,
                paid_at=NOW - timedelta(hours=2) if paid else None,
                fulfilled_at=NOW - timedelta(hours=2) if paid and fulfilled else None,
                fulfil_attempts=0, refund_attempts=0)


def visa_bill(id: int, status: BillStatus = BillStatus.UNPAID,  # noqa: A002
              fulfilled: bool = True):
    """A visa extension's bill, with the visitor it is for (services/eservices/visa.Billed)."""
    from absher_web.services.eservices.visa import Billed

    extended = visitor()
    new_expiry = extended.permit_expiry + timedelta(days=90)
    return Billed(bill(id, "visa_extension", f"{extended.id}:{new_expiry.isoformat()}", 10000,
                       status, fulfilled, beneficiary=extended.person_id,
                       sponsorship_id=extended.id,
                       previous_expiry=extended.permit_expiry.isoformat(),
                       new_expiry=new_expiry.isoformat()), extended)


def violation_bill(id: int, reference: str, amount: int,  # noqa: A002
                   status: BillStatus = BillStatus.UNPAID, fulfilled: bool = True) -> Bill:
    return bill(id, "traffic_violation", reference, amount, status, fulfilled)


# --- my family --------------------------------------------------------------------------


def family():
    """The citizen's wife (ID expiring soon, passport valid), a son of 10 (passport
    expired) and a daughter of 19 (ID expired, no passport), his father (passport expiring
    soon), a newborn under a year, and a worker (passport valid) and a visitor he
    sponsors."""
    from absher_web.services.family import Family, Kin, Member

    def member(number, name_ar, name_en, kin, age, expires_in, validity_, services,
               passport_in=None, passport=Validity.NONE):
        return Member(number, name_ar, name_en, kin, age,
                      TODAY + timedelta(days=expires_in) if expires_in is not None else None,
                      validity_,
                      TODAY + timedelta(days=passport_in) if passport_in is not None else None,
                      passport, services)

    everything = ["id_renewal", "passport", "exit_reentry_visa", "birth_registration"]
    return Family(
        members=[
            member(DEMO_IDS[1], "نورة فهد خالد القحطاني", "Noura Fahad Khalid Al-Qahtani",
                   Kin.WIFE, 31, 20, Validity.EXPIRES_SOON,
                   ["id_renewal", "passport", "exit_reentry_visa"], 900, Validity.VALID),
            member("1050201605", "سعد محمد عبدالله العتيبي", "Saad Mohammed Abdullah Al-Otaibi",
                   Kin.SON, 10, 2000, Validity.VALID, everything, -15, Validity.EXPIRED),
            member("1050202009", "لطيفة محمد عبدالله العتيبي",
                   "Latifa Mohammed Abdullah Al-Otaibi", Kin.DAUGHTER, 19, -40,
                   Validity.EXPIRED, []),
            member("1050202504", "فيصل محمد عبدالله العتيبي", "Faisal Mohammed Abdullah Al-Otaibi",
                   Kin.SON, 0, 3000, Validity.VALID, everything),
            member("1050196201", "عبدالله سعد فهد العتيبي", "Abdullah Saad Fahad Al-Otaibi",
                   Kin.FATHER, 64, 1200, Validity.VALID, [], 25, Validity.EXPIRES_SOON),
        ],
        sponsored=[
            member(DEMO_IDS[2], "أحمد محمود حسن منصور", "Ahmed Mahmoud Hassan Mansour",
                   Kin.WORKER, 41, 300, Validity.VALID, ["id_renewal", "exit_reentry_visa"],
                   700, Validity.VALID),
            member("3100000000", "سيتي نور", "Siti Nur", Kin.VISITOR, None, 20,
                   Validity.EXPIRES_SOON, ["id_renewal", "exit_reentry_visa"]),
        ])


# --- vehicle sale -----------------------------------------------------------------------------

def _sale_vehicle(letters: str, number: str, make: str, model: str, **changes) -> Vehicle:
    vehicle = _vehicle(letters, number, make, model, 200)
    vehicle.id = int(number)
    vehicle.usage = "private"
    vehicle.registration_expiry = TODAY + timedelta(days=400)
    vehicle.inspection_expiry = TODAY + timedelta(days=120)
    for name, value in changes.items():
        setattr(vehicle, name, value)
    return vehicle


def vehicle_sales() -> dict:
    """The citizen's vehicles (one may be sold, one may not, with why), his offers
    (waiting, paid) and two offers made to him (waiting, accepted with its three
    bills): what the vehicle sale page holds."""
    from absher_web.models import SaleStatus, VehicleSale
    from absher_web.services.vehicle_sales import Condition, Sellable

    me = account(ActivationState.ACTIVE)
    other = other_holder()
    camry = _sale_vehicle("ABD", "1234", "Toyota", "Camry")
    taxi = _sale_vehicle("RSD", "4410", "Hyundai", "Sonata", usage="taxi",
                         inspection_expiry=TODAY - timedelta(days=3))
    accent = _sale_vehicle("KLN", "908", "Hyundai", "Accent")
    patrol = _sale_vehicle("SNR", "552", "Nissan", "Patrol")
    tahoe = _sale_vehicle("HTE", "77", "Chevrolet", "Tahoe")

    def sale(id: int, vehicle: Vehicle, seller: Account, buyer: Account,  # noqa: A002
             status: SaleStatus, price: int) -> VehicleSale:
        made = VehicleSale(id=id, price=price, seller_iban="SA0380000000608010167519",
                           status=status, created_at=NOW - timedelta(days=1), changed_at=NOW,
                           answer_by=NOW + timedelta(days=2),
                           pay_by=NOW + timedelta(days=1) if status is SaleStatus.ACCEPTED
                           else None, payout_attempts=0)
        made.vehicle, made.seller, made.buyer = vehicle, seller, buyer
        return made

    accepted = sale(74, tahoe, other, me, SaleStatus.ACCEPTED, 12_000_000)
    parts = {"price": 12_000_000, "government": 15000, "platform": 23000}
    held = {part: bill(80 + n, "vehicle_sale", f"74:{part}", amount,
                       BillStatus.PAID if part == "government" else BillStatus.UNPAID,
                       sale_id=74, part=part)
            for n, (part, amount) in enumerate(parts.items())}
    held["platform"].vat = 3000
    return {"sellable": [Sellable(camry, []),
                         Sellable(taxi, [Condition.NOT_PRIVATE, Condition.INSPECTION])],
            "selling": [sale(71, camry, me, other, SaleStatus.OFFERED, 4_500_000),
                        sale(72, accent, me, other, SaleStatus.PAID, 3_250_050)],
            "buying": [sale(73, patrol, other, me, SaleStatus.OFFERED, 18_500_000), accepted],
            "bills_of": lambda found: held if found.id == 74 else {}}
