"""The vehicles registry adapter: vehicles, their insurance, impounding and violations.

The traffic department's record of vehicles is here the `vehicles` and
`traffic_violations` tables; this module is the only code that writes to them
(`flask absher import-vehicles`, `import-violations`, `seed-demo`, and a completed vehicle
sale: ``transfer``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import Language, TrafficViolation, Vehicle, ViolationStatus
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality

# The letters of a Saudi plate: each Arabic letter has one Latin letter on the plate.
PLATE_LETTERS = {
    "A": "ا", "B": "ب", "J": "ح", "D": "د", "R": "ر", "S": "س", "X": "ص", "T": "ط", "E": "ع",
    "G": "ق", "K": "ك", "L": "ل", "Z": "م", "N": "ن", "H": "ه", "U": "و", "V": "ى",
}
# Spellings people type for the same plate letter.
_LATIN_OF = {arabic: latin for latin, arabic in PLATE_LETTERS.items()} | {
    "أ": "A", "إ": "A", "آ": "A", "ي": "V"}
_TO_LATIN = str.maketrans(_LATIN_OF)
_PLATE_LATIN = frozenset(PLATE_LETTERS)
_FOREIGN_PLATE = re.compile(r"[A-Z0-9]{1,12}")

COLOURS: dict[str, LazyString] = {
    "white": lazy_pgettext("vehicle colour", "White"),
    "black": lazy_pgettext("vehicle colour", "Black"),
    "silver": lazy_pgettext("vehicle colour", "Silver"),
    "grey": lazy_pgettext("vehicle colour", "Grey"),
    "red": lazy_pgettext("vehicle colour", "Red"),
    "blue": lazy_pgettext("vehicle colour", "Blue"),
    "green": lazy_pgettext("vehicle colour", "Green"),
    "beige": lazy_pgettext("vehicle colour", "Beige"),
    "brown": lazy_pgettext("vehicle colour", "Brown"),
    "gold": lazy_pgettext("vehicle colour", "Gold"),
}
VIOLATION_KINDS: dict[str, LazyString] = {
    # TRANSLATORS: A kind of traffic violation: driving faster than the limit.
    "speeding": _l("Speeding"),
    "red_light": _l("Running a red light"),
    "parking": _l("Parking where it is not allowed"),
    "seatbelt": _l("Not wearing a seat belt"),
    "mobile_phone": _l("Using a mobile phone while driving"),
    "expired_registration": _l("Driving with an expired vehicle registration"),
}
# How a vehicle is registered (its registration type), as the registry's file writes it.
USAGES: dict[str, LazyString] = {
    # TRANSLATORS: A vehicle's registration type (نوع التسجيل): a private car (خصوصي).
    "private": lazy_pgettext("vehicle registration", "Private"),
    # TRANSLATORS: A vehicle's registration type: a private goods vehicle (نقل خاص).
    "private_transport": lazy_pgettext("vehicle registration", "Private transport"),
    # TRANSLATORS: A vehicle's registration type: a vehicle for public transport (نقل عام).
    "public_transport": lazy_pgettext("vehicle registration", "Public transport"),
    # TRANSLATORS: A vehicle's registration type: a taxi (أجرة).
    "taxi": lazy_pgettext("vehicle registration", "Taxi"),
    # TRANSLATORS: A vehicle's registration type: a motorcycle (دراجة نارية).
    "motorcycle": lazy_pgettext("vehicle registration", "Motorcycle"),
}
# What the police may have reported of a vehicle.
REPORTS = ("missing", "wanted")
EARLIEST_YEAR = 1950


def plate_letters_of(typed: str) -> str | None:
    """A Saudi plate's letters, typed in Arabic or Latin, as the stored Latin, or None."""
    compact = "".join(typed.upper().replace("هـ", "ه").split())
    if not 1 <= len(compact) <= 3:
        return None
    latin = compact.translate(_TO_LATIN)
    return latin if _PLATE_LATIN.issuperset(latin) else None


def arabic_letters(latin: str) -> str:
    return " ".join(PLATE_LETTERS[ch] for ch in latin)


def foreign_plate_of(typed: str) -> str | None:
    """A foreign plate as stored: Latin letters and digits, without spaces or hyphens."""
    compact = normalise_digits(typed).upper()
    return compact if _FOREIGN_PLATE.fullmatch(compact) else None


@dataclass(frozen=True, slots=True)
class VehicleEntry:
    plate_country: str
    plate_letters: str
    plate_number: str
    make: str
    model: str
    year: int
    colour: str
    owner_id: str | None
    insurance_company: str | None
    insurance_expiry: date | None
    impounded_since: date | None
    impound_place: str | None
    # Optional columns: a file without them imports as before (a private vehicle, nothing
    # known of its registration's or inspection's expiry, no report).
    usage: str = "private"
    registration_expiry: date | None = None
    inspection_expiry: date | None = None
    reported: str | None = None

    @property
    def plate(self) -> tuple[str, str, str]:
        return self.plate_country, self.plate_letters, self.plate_number


@dataclass(frozen=True, slots=True)
class ViolationEntry:
    reference: str
    plate: tuple[str, str, str]
    kind: str
    amount: int
    committed_on: date
    place: str
    status: ViolationStatus


# --- reading CSV files ---------------------------------------------------------------

VEHICLES_HEADER = ("plate_country", "plate_letters", "plate_number", "make", "model", "year",
                   "colour", "owner_id", "insurance_company", "insurance_expiry",
                   "impounded_since", "impound_place")
VEHICLES_OPTIONAL = ("usage", "registration_expiry", "inspection_expiry", "reported")
VIOLATIONS_HEADER = ("reference", "plate_country", "plate_letters", "plate_number", "kind",
                     "amount", "committed_on", "place", "status")


def _plate(raw: dict[str, str], problems: list[str]) -> tuple[str, str, str]:
    country = raw["plate_country"].strip().upper()
    if not is_known_nationality(country):
        problems.append(f"plate_country {country!r} is not a known ISO alpha-3 code")
        return country, "", ""
    if country == SAUDI_ARABIA:
        letters = plate_letters_of(raw["plate_letters"])
        number = normalise_digits(raw["plate_number"])
        if letters is None:
            problems.append(f"plate_letters {raw['plate_letters'].strip()!r} are not one to "
                            "three Saudi plate letters")
        if not (number.isascii() and number.isdigit() and 1 <= len(number) <= 4):
            problems.append(f"plate_number {raw['plate_number'].strip()!r} is not 1 to 4 digits")
        return country, letters or "", number
    if raw["plate_letters"].strip():
        problems.append("plate_letters must be empty for a foreign plate (write it whole in "
                        "plate_number)")
    number = foreign_plate_of(raw["plate_number"])
    if number is None:
        problems.append(f"plate_number {raw['plate_number'].strip()!r} is not 1 to 12 Latin "
                        "letters and digits")
    return country, "", number or ""


def parse_vehicle(raw: dict[str, str], today: date | None = None
                  ) -> tuple[VehicleEntry | None, list[str]]:
    today = today or local_today()
    problems: list[str] = []
    country, letters, number = _plate(raw, problems)
    make = csv_source.text("make", raw["make"], 40, problems)
    model = csv_source.text("model", raw["model"], 40, problems)
    year = csv_source.whole_number("year", raw["year"], EARLIEST_YEAR, today.year + 1, problems)
    colour = raw["colour"].strip().lower()
    if colour not in COLOURS:
        problems.append(f"colour {colour!r} is not one of: {', '.join(COLOURS)}")
    owner = normalise_digits(raw["owner_id"]) or None
    if owner is not None and not is_valid_national_id(owner):
        problems.append(f"owner_id {raw['owner_id'].strip()!r} is not a valid ID or iqama number")
    if owner is None and country == SAUDI_ARABIA:
        problems.append("owner_id is empty (a Saudi vehicle has an owner)")
    company = csv_source.text("insurance_company", raw["insurance_company"], 100, problems,
                              required=False) or None
    expiry = csv_source.iso_date("insurance_expiry", raw["insurance_expiry"], problems,
                                 required=False)
    if (company is None) != (expiry is None):
        problems.append("insurance_company and insurance_expiry go together")
    since = csv_source.iso_date("impounded_since", raw["impounded_since"], problems,
                                required=False)
    place = csv_source.text("impound_place", raw["impound_place"], 100, problems,
                            required=False) or None
    if (since is None) != (place is None):
        problems.append("impounded_since and impound_place go together")
    if since is not None and since > today:
        problems.append("impounded_since is in the future")
    usage = raw.get("usage", "").strip().lower() or "private"
    if usage not in USAGES:
        problems.append(f"usage {usage!r} is not one of: {', '.join(USAGES)}")
    registration = csv_source.iso_date("registration_expiry", raw.get("registration_expiry", ""),
                                       problems, required=False)
    inspection = csv_source.iso_date("inspection_expiry", raw.get("inspection_expiry", ""),
                                     problems, required=False)
    reported = raw.get("reported", "").strip().lower() or None
    if reported is not None and reported not in REPORTS:
        problems.append(f"reported {reported!r} is not empty or one of: {', '.join(REPORTS)}")
    if problems:
        return None, problems
    return VehicleEntry(country, letters, number, make, model, year, colour, owner, company,
                        expiry, since, place, usage, registration, inspection, reported), []


def _reference_of(raw: dict[str, str]) -> str:
    return normalise_digits(raw["reference"]).upper()


def parse_violation(raw: dict[str, str], today: date | None = None
                    ) -> tuple[ViolationEntry | None, list[str]]:
    today = today or local_today()
    problems: list[str] = []
    reference = _reference_of(raw)
    if not re.fullmatch(r"[A-Z0-9]{4,20}", reference):
        problems.append(f"reference {raw['reference'].strip()!r} is not 4 to 20 letters and "
                        "digits")
    plate = _plate(raw, problems)
    kind = raw["kind"].strip().lower()
    if kind not in VIOLATION_KINDS:
        problems.append(f"kind {kind!r} is not one of: {', '.join(VIOLATION_KINDS)}")
    amount = csv_source.whole_number("amount", raw["amount"], 1, 1_000_000, problems)
    committed_on = csv_source.iso_date("committed_on", raw["committed_on"], problems)
    if committed_on is not None and committed_on > today:
        problems.append("committed_on is in the future")
    place = csv_source.text("place", raw["place"], 100, problems)
    try:
        status = ViolationStatus(raw["status"].strip().lower())
    except ValueError:
        problems.append(f"status {raw['status'].strip()!r} is not unpaid or paid")
        status = ViolationStatus.UNPAID
    if problems or committed_on is None:
        return None, problems
    return ViolationEntry(reference, plate, kind, amount, committed_on, place, status), []


# --- storing -------------------------------------------------------------------------

def _plate_key(plate: tuple[str, str, str]) -> str:
    return "/".join(plate)


def _plate_label(plate: tuple[str, str, str]) -> str:
    return " ".join(filter(None, plate))


# A vehicle's natural key: its plate, as the unique constraint on the three columns.
PLATE = (Vehicle.plate_country, Vehicle.plate_letters, Vehicle.plate_number)


def vehicle_ids_by_plate(session: Session, plates: Iterable[tuple[str, str, str]]
                         ) -> dict[tuple[str, str, str], int]:
    """The ids of the stored vehicles of these plates (those that are stored)."""
    return {plate: row.id for plate, row
            in storing.stored_by(session, PLATE, plates, only=(Vehicle.id,)).items()}


def store_vehicles(session: Session, entries: list[VehicleEntry]) -> csv_source.Stored:
    """Adds new vehicles and updates known plates; refuses a vehicle whose owner is not in
    the civil registry. A known vehicle with another owner is moved to them."""
    known = civil_registry.registered_people(session, (e.owner_id for e in entries if e.owner_id))
    refused = {index: [f"owner_id not in the civil registry: {entry.owner_id}"]
               for index, entry in enumerate(entries)
               if entry.owner_id and entry.owner_id not in known}
    result, moved = storing.upsert_moving(
        session, PLATE, {_plate_key(e.plate): storing.values_of(e)
                         for index, e in enumerate(entries) if index not in refused},
        holder=Vehicle.owner_id)
    return csv_source.Stored(result, refused, moved)


def plate_of(vehicle: Vehicle, language: Language) -> str:
    """A stored vehicle's plate as a sentence in ``language`` names it: Arabic letters on an
    Arabic page or text, Latin letters otherwise."""
    return plate_forms(vehicle, language)[0]


def plate_forms(vehicle: Vehicle, language: Language) -> tuple[str, ...]:
    """A stored vehicle's plate in each script it carries, ``language``'s first: a Saudi
    plate bears its letters in Arabic and Latin; a foreign plate is written one way."""
    if not vehicle.plate_letters:
        return (vehicle.plate_number,)
    arabic = f"{arabic_letters(vehicle.plate_letters)} {vehicle.plate_number}"
    latin = f"{' '.join(vehicle.plate_letters)} {vehicle.plate_number}"
    return (arabic, latin) if language is Language.ARABIC else (latin, arabic)


def store_violations(session: Session, entries: list[ViolationEntry]) -> csv_source.Stored:
    """Adds new violations and updates known references; refuses a violation whose plate
    is not in the vehicles registry."""
    vehicles = vehicle_ids_by_plate(session, (entry.plate for entry in entries))
    refused = {index: [f"no vehicle with plate: {_plate_label(entry.plate)}"]
               for index, entry in enumerate(entries) if entry.plate not in vehicles}
    accepted = [entry for index, entry in enumerate(entries) if index not in refused]
    return csv_source.Stored(storing.upsert(session, TrafficViolation.reference, {
        entry.reference: dict(reference=entry.reference, vehicle_id=vehicles[entry.plate],
                              kind=entry.kind, amount=entry.amount,
                              committed_on=entry.committed_on, place=entry.place,
                              status=entry.status)
        for entry in accepted}), refused)


VEHICLES = csv_source.Source(
    name="vehicles", noun="vehicles", header=VEHICLES_HEADER, optional=VEHICLES_OPTIONAL,
    parse=parse_vehicle,
    key=lambda entry: _plate_key(entry.plate),
    key_label=lambda entry: f"plate {_plate_label(entry.plate)}", store=store_vehicles,
    raw_key=lambda raw: _plate_key(_plate(raw, [])))
VIOLATIONS = csv_source.Source(
    name="violations", noun="violations", header=VIOLATIONS_HEADER, parse=parse_violation,
    key=lambda entry: entry.reference,
    key_label=lambda entry: f"reference {entry.reference}", store=store_violations,
    raw_key=_reference_of)


def import_vehicles(session: Session, entries: list[VehicleEntry]) -> ImportResult:
    return csv_source.store_all(session, VEHICLES, entries)


def import_violations(session: Session, entries: list[ViolationEntry]) -> ImportResult:
    return csv_source.store_all(session, VIOLATIONS, entries)


# --- reading --------------------------------------------------------------------------

def vehicles_of(session: Session, owner_id: str) -> list[Vehicle]:
    """The vehicles a person owns, with their violations, newest model year first."""
    return list(session.scalars(
        select(Vehicle).where(Vehicle.owner_id == owner_id)
        .options(selectinload(Vehicle.violations))
        .order_by(Vehicle.year.desc(), Vehicle.id)))


def transfer(session: Session, vehicle_id: int, from_owner: str, to_owner: str) -> bool:
    """A sold vehicle becomes the buyer's, in the caller's transaction: one conditional
    UPDATE on the owner it leaves (False when it is no longer ``from_owner``'s). The
    insurance was the seller's contract and ends with their ownership."""
    return session.execute(
        update(Vehicle).where(Vehicle.id == vehicle_id, Vehicle.owner_id == from_owner)
        .values(owner_id=to_owner, insurance_company=None, insurance_expiry=None)
        .execution_options(synchronize_session=False)).rowcount == 1


def unpaid_fines_of(session: Session, owner_id: str) -> int:
    """What the traffic violations still unpaid on the person's vehicles add up to, in
    riyals (0: none)."""
    return unpaid_fines_by_owner(session, [owner_id]).get(owner_id, 0)


def unpaid_fines_by_owner(session: Session, owner_ids: Iterable[str]) -> dict[str, int]:
    """``unpaid_fines_of`` for several people (a family) at once: riyals by owner, only
    those who owe something."""
    found: dict[str, int] = {}
    for chunk in storing.in_chunks(set(owner_ids)):
        found.update(session.execute(
            select(Vehicle.owner_id, func.sum(TrafficViolation.amount))
            .join(Vehicle, Vehicle.id == TrafficViolation.vehicle_id)
            .where(Vehicle.owner_id.in_(chunk),
                   TrafficViolation.status == ViolationStatus.UNPAID)
            .group_by(Vehicle.owner_id)).all())
    return {owner: total for owner, total in found.items() if total}


def find_foreign_vehicle(session: Session, country: str, plate: str) -> Vehicle | None:
    number = foreign_plate_of(plate)
    if number is None or country == SAUDI_ARABIA or not is_known_nationality(country):
        return None
    return session.scalars(
        select(Vehicle).where(Vehicle.plate_country == country, Vehicle.plate_letters == "",
                              Vehicle.plate_number == number)
        .options(selectinload(Vehicle.violations))).first()


# --- demo data ------------------------------------------------------------------------

_DEMO_MODELS = (("Toyota", "Camry"), ("Toyota", "Land Cruiser"), ("Hyundai", "Accent"),
                ("Hyundai", "Sonata"), ("Nissan", "Patrol"), ("Kia", "Cerato"),
                ("Chevrolet", "Tahoe"), ("Ford", "Taurus"), ("Lexus", "ES"), ("GMC", "Yukon"))
_INSURERS = ("Tawuniya", "Bupa Arabia", "Al Rajhi Takaful", "Walaa", "Malath")
_IMPOUND_PLACES = ("حجز الرياض - السلي", "حجز جدة - الخمرة", "حجز الدمام - الفيصلية")
_CITIES = ("الرياض", "جدة", "الدمام", "مكة المكرمة", "المدينة المنورة")
DEMO_FOREIGN_PLATE = ("BHR", "12345")  # a Bahraini car with violations, for the demo


def demo_vehicles(owner_ids: list[str], today: date, seed: int = 2010
                  ) -> tuple[list[VehicleEntry], list[ViolationEntry]]:
    """Vehicles for the given people (one to three each, some with none), one foreign car,
    and violations: every insurance state and an impounded car among the first owners."""
    rng = random.Random(seed)
    vehicles: list[VehicleEntry] = []
    violations: list[ViolationEntry] = []
    taken: set[tuple[str, str, str]] = set()
    letters = list(PLATE_LETTERS)
    # How the first owners' cars stand: valid, expiring soon, expired, none.
    insurance_days = (300, 12, -20, None)
    for position, owner in enumerate(owner_ids):
        count = 2 if position < 3 else rng.choice((0, 1, 1, 2, 3))
        for n in range(count):
            while True:
                plate = (SAUDI_ARABIA, "".join(rng.choice(letters) for _ in range(3)),
                         str(rng.randint(1, 9999)))
                if plate not in taken:
                    taken.add(plate)
                    break
            make, model = rng.choice(_DEMO_MODELS)
            days = insurance_days[(position + n) % 4] if position < 3 else rng.choice(
                (400, 200, 20, -40, None))
            impounded = (position == 0 and n == 1) or (position >= 3 and rng.random() < 0.05)
            vehicles.append(VehicleEntry(
                *plate, make, model, rng.randint(2008, today.year), rng.choice(list(COLOURS)),
                owner, rng.choice(_INSURERS) if days is not None else None,
                today + timedelta(days=days) if days is not None else None,
                today - timedelta(days=rng.randint(3, 60)) if impounded else None,
                rng.choice(_IMPOUND_PLACES) if impounded else None, "private",
                today + timedelta(days=rng.randint(60, 900)),
                today + timedelta(days=rng.randint(30, 300))))
            for _ in range(rng.choice((0, 1, 2, 3)) if position >= 3 else 2 - n):
                violations.append(_demo_violation(rng, plate, today, len(violations)))
    foreign = (DEMO_FOREIGN_PLATE[0], "", DEMO_FOREIGN_PLATE[1])
    vehicles.append(VehicleEntry(*foreign, "Nissan", "Sunny", 2019, "white", None, None, None,
                                 None, None))
    for _ in range(2):
        violations.append(_demo_violation(rng, foreign, today, len(violations)))
    return vehicles, violations


def _demo_violation(rng: random.Random, plate: tuple[str, str, str], today: date,
                    number: int) -> ViolationEntry:
    kind = rng.choice(list(VIOLATION_KINDS))
    return ViolationEntry(f"DEMO{number:06d}", plate, kind, rng.choice((150, 300, 500, 900)),
                          today - timedelta(days=rng.randint(1, 400)), rng.choice(_CITIES),
                          rng.choice((ViolationStatus.UNPAID, ViolationStatus.PAID)))


def seed_demo(session: Session, owner_ids: list[str], today: date | None = None) -> int:
    """Give the demo people vehicles, once: nothing is added if any vehicle exists."""
    if session.scalar(select(Vehicle.id).limit(1)) is not None:
        return 0
    vehicles, violations = demo_vehicles(owner_ids, today or local_today())
    import_vehicles(session, vehicles)
    import_violations(session, violations)
    return len(vehicles)
