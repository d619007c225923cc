"""Synthetic people for the demo civil registry (`flask absher seed-demo`): valid ID
numbers, names as each nationality writes them, cities and districts weighted like the
population."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from absher_web.agencies.civil_registry import DEMO_IDS, RegistryEntry, stored_people
from absher_web.dates import local_today
from absher_web.identity import national_id_check_digit
from absher_web.nationalities import SAUDI_ARABIA

DEMO_SEED = 2010  # the year Absher started
DEMO_COUNT = 1200

_DEMO_FIXED = (
    (DEMO_IDS[0], "محمد عبدالله سعد العتيبي", "Mohammed Abdullah Saad Al-Otaibi",
     date(1990, 3, 15), SAUDI_ARABIA, "الرياض", "حي النخيل"),
    (DEMO_IDS[1], "نورة فهد خالد القحطاني", "Noura Fahad Khalid Al-Qahtani",
     date(1995, 7, 2), SAUDI_ARABIA, "جدة", "حي الروضة"),
    (DEMO_IDS[2], "أحمد محمود حسن منصور", "Ahmed Mahmoud Hassan Mansour",
     date(1985, 11, 20), "EGY", "الدمام", "حي الفيصلية"),
)

Pair = tuple[str, str]  # (Arabic, English)


@dataclass(frozen=True)
class _NameGroup:
    male: tuple[Pair, ...]
    female: tuple[Pair, ...]
    families: tuple[Pair, ...]
    # How many given names precede the family name: first, father, grandfather.
    given_names: int


_SAUDI = _NameGroup(
    male=(
        ("محمد", "Mohammed"), ("عبدالله", "Abdullah"), ("فهد", "Fahad"), ("خالد", "Khalid"),
        ("سعود", "Saud"), ("عبدالرحمن", "Abdulrahman"), ("سلطان", "Sultan"),
        ("ناصر", "Nasser"), ("تركي", "Turki"), ("فيصل", "Faisal"), ("بندر", "Bandar"),
        ("ماجد", "Majed"), ("عمر", "Omar"), ("يوسف", "Yousef"), ("إبراهيم", "Ibrahim"),
        ("سعد", "Saad"),
    ),
    female=(
        ("نورة", "Noura"), ("سارة", "Sarah"), ("ريم", "Reem"), ("لطيفة", "Latifa"),
        ("هيفاء", "Haifa"), ("منيرة", "Munira"), ("الجوهرة", "Aljawhara"), ("عبير", "Abeer"),
        ("أمل", "Amal"), ("هند", "Hind"), ("شهد", "Shahad"), ("دانة", "Dana"),
    ),
    families=(
        ("العتيبي", "Al-Otaibi"), ("القحطاني", "Al-Qahtani"), ("الغامدي", "Al-Ghamdi"),
        ("الزهراني", "Al-Zahrani"), ("الشهري", "Al-Shehri"), ("الدوسري", "Al-Dosari"),
        ("الحربي", "Al-Harbi"), ("المطيري", "Al-Mutairi"), ("العنزي", "Al-Anazi"),
        ("الشمري", "Al-Shammari"), ("السبيعي", "Al-Subaie"), ("التميمي", "Al-Tamimi"),
        ("الرشيد", "Al-Rasheed"), ("الجهني", "Al-Juhani"), ("البلوي", "Al-Balawi"),
        ("الأحمدي", "Al-Ahmadi"),
    ),
    given_names=3,
)

_ARAB = _NameGroup(
    male=(
        ("أحمد", "Ahmed"), ("محمود", "Mahmoud"), ("حسن", "Hassan"), ("مصطفى", "Mostafa"),
        ("كريم", "Karim"), ("طارق", "Tarek"), ("وليد", "Walid"), ("سامر", "Samer"),
        ("عماد", "Emad"), ("ياسر", "Yasser"),
    ),
    female=(
        ("مريم", "Mariam"), ("ياسمين", "Yasmin"), ("رنا", "Rana"), ("ليلى", "Laila"),
        ("سلمى", "Salma"), ("دينا", "Dina"),
    ),
    families=(
        ("منصور", "Mansour"), ("حداد", "Haddad"), ("الخطيب", "Al-Khatib"),
        ("النجار", "Al-Najjar"), ("سليمان", "Soliman"), ("عثمان", "Osman"),
        ("درويش", "Darwish"), ("صالح", "Saleh"), ("عبدالحميد", "Abdelhamid"),
        ("الشامي", "Al-Shami"),
    ),
    given_names=2,
)

_SOUTH_ASIAN_MUSLIM = _NameGroup(
    male=(
        ("عمران", "Imran"), ("عارف", "Arif"), ("شاهد", "Shahid"), ("رفيق", "Rafiq"),
        ("نديم", "Nadeem"), ("جاويد", "Javed"),
    ),
    female=(("عائشة", "Ayesha"), ("فاطمة", "Fatima"), ("نازية", "Nazia")),
    families=(
        ("خان", "Khan"), ("حسين", "Hussain"), ("رحمن", "Rahman"), ("شودري", "Chowdhury"),
        ("مالك", "Malik"), ("قريشي", "Qureshi"),
    ),
    given_names=1,
)

_SOUTH_ASIAN = _NameGroup(
    male=(
        ("راجيش", "Rajesh"), ("أنيل", "Anil"), ("سونيل", "Sunil"), ("راهول", "Rahul"),
        ("سانجاي", "Sanjay"), ("فيجاي", "Vijay"),
    ),
    female=(("بريا", "Priya"), ("أنيتا", "Anita"), ("ديبا", "Deepa")),
    families=(
        ("كومار", "Kumar"), ("شارما", "Sharma"), ("ناير", "Nair"), ("ثابا", "Thapa"),
        ("بيريرا", "Perera"), ("سينغ", "Singh"), ("بيلاي", "Pillai"),
    ),
    given_names=1,
)

_SOUTH_EAST_ASIAN = _NameGroup(
    male=(("خوسيه", "Jose"), ("مارك", "Mark"), ("رامون", "Ramon"), ("بودي", "Budi"),
          ("أغوس", "Agus")),
    female=(("ماريا", "Maria"), ("روزا", "Rosa"), ("جوي", "Joy"), ("سيتي", "Siti"),
            ("ديوي", "Dewi")),
    families=(
        ("سانتوس", "Santos"), ("رييس", "Reyes"), ("كروز", "Cruz"), ("غارسيا", "Garcia"),
        ("سوسانتو", "Susanto"), ("ويجايا", "Wijaya"),
    ),
    given_names=1,
)

_AFRICAN = _NameGroup(
    male=(("أبيبي", "Abebe"), ("داويت", "Dawit"), ("جوزيف", "Joseph"), ("دانيال", "Daniel")),
    female=(("ميرون", "Meron"), ("أستير", "Aster"), ("غريس", "Grace")),
    families=(
        ("تسفاي", "Tesfaye"), ("غيرما", "Girma"), ("أوتينو", "Otieno"), ("موانغي", "Mwangi"),
        ("أوكيلو", "Okello"),
    ),
    given_names=1,
)

_WESTERN = _NameGroup(
    male=(("جيمس", "James"), ("ديفيد", "David"), ("توماس", "Thomas"), ("لوكاس", "Lucas")),
    female=(("إميلي", "Emily"), ("صوفي", "Sophie"), ("لورا", "Laura")),
    families=(
        ("سميث", "Smith"), ("براون", "Brown"), ("جونسون", "Johnson"), ("مارتن", "Martin"),
        ("ويلسون", "Wilson"),
    ),
    given_names=1,
)

# Residents' nationalities, weighted roughly like the resident population.
_RESIDENT_NATIONALITIES: tuple[tuple[str, float, _NameGroup], ...] = (
    ("IND", 18, _SOUTH_ASIAN), ("PAK", 14, _SOUTH_ASIAN_MUSLIM),
    ("BGD", 12, _SOUTH_ASIAN_MUSLIM), ("EGY", 12, _ARAB), ("PHL", 6, _SOUTH_EAST_ASIAN),
    ("IDN", 4, _SOUTH_EAST_ASIAN), ("YEM", 7, _ARAB), ("SDN", 5, _ARAB),
    ("NPL", 4, _SOUTH_ASIAN), ("LKA", 2, _SOUTH_ASIAN), ("AFG", 1, _SOUTH_ASIAN_MUSLIM),
    ("JOR", 3, _ARAB), ("SYR", 3, _ARAB), ("LBN", 1, _ARAB), ("PSE", 1, _ARAB),
    ("IRQ", 1, _ARAB), ("MAR", 1, _ARAB), ("TUN", 1, _ARAB),
    ("ETH", 2, _AFRICAN), ("KEN", 1, _AFRICAN), ("UGA", 1, _AFRICAN),
    ("GBR", 1, _WESTERN), ("USA", 1, _WESTERN), ("CAN", 0.5, _WESTERN),
    ("FRA", 0.5, _WESTERN),
)

# Districts per city, and how often each city is picked.
_DEMO_PLACES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("الرياض", 30, ("حي العليا", "حي الملز", "حي النخيل", "حي الياسمين", "حي السويدي")),
    ("جدة", 18, ("حي الروضة", "حي الصفا", "حي الشاطئ", "حي الحمراء")),
    ("مكة المكرمة", 8, ("حي العزيزية", "حي الشوقية", "حي النسيم")),
    ("المدينة المنورة", 6, ("حي قباء", "حي العوالي", "حي العنابس")),
    ("الدمام", 7, ("حي الفيصلية", "حي الشاطئ", "حي النور")),
    ("الخبر", 4, ("حي العقربية", "حي الثقبة", "حي اليرموك")),
    ("الأحساء", 4, ("حي المبرز", "حي الفيصلية", "حي الروضة")),
    ("الطائف", 4, ("حي الحوية", "حي شهار", "حي الفيصلية")),
    ("تبوك", 3, ("حي المروج", "حي السليمانية", "حي الفيصلية")),
    ("أبها", 3, ("حي المنسك", "حي الخالدية", "حي النسيم")),
    ("بريدة", 3, ("حي الإسكان", "حي الصفراء", "حي الخالدية")),
    ("حائل", 3, ("حي النقرة", "حي المنتزه", "حي العزيزية")),
    ("جازان", 3, ("حي الروضة", "حي الشاطئ", "حي السويس")),
    ("نجران", 2, ("حي الفهد", "حي الفيصلية", "حي الخالدية")),
)


def _full_name(rng: random.Random, group: _NameGroup) -> Pair:
    # Residents are mostly men; citizens are half and half.
    female_share = 0.5 if group is _SAUDI else 0.25
    first = rng.choice(group.female if rng.random() < female_share else group.male)
    # Father and grandfather differ from each other and from the first name.
    elders = rng.sample([name for name in group.male if name != first], group.given_names - 1)
    parts = [first, *elders, rng.choice(group.families)]
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def _new_national_id(rng: random.Random, first_digit: str, taken: set[str]) -> str:
    while True:
        first_nine = first_digit + "".join(rng.choice("0123456789") for _ in range(8))
        national_id = first_nine + national_id_check_digit(first_nine)
        if national_id not in taken:
            taken.add(national_id)
            return national_id


def demo_people(
    count: int = DEMO_COUNT, seed: int = DEMO_SEED, today: date | None = None
) -> list[RegistryEntry]:
    """Synthetic people with valid ID numbers: the same ones for the same seed.

    The first three are always the DEMO_IDS people. About two in three are
    citizens. Expiry dates count from ``today`` so the demo stays usable; about
    one in twelve has expired, to show how an expired ID looks.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    today = today or local_today()
    rng = random.Random(seed)
    people = [
        RegistryEntry(national_id, name_ar, name_en, birth, nationality,
                      today + timedelta(days=4 * 365), city, district)
        for national_id, name_ar, name_en, birth, nationality, city, district in _DEMO_FIXED
    ][:count]
    taken = {entry.national_id for entry in people}
    first_birth, last_birth = date(1950, 1, 1).toordinal(), date(2005, 12, 31).toordinal()
    cities = [city for city, _, _ in _DEMO_PLACES]
    city_weights = [weight for _, weight, _ in _DEMO_PLACES]
    districts = {city: choices for city, _, choices in _DEMO_PLACES}
    nationality_weights = [weight for _, weight, _ in _RESIDENT_NATIONALITIES]

    while len(people) < count:
        if rng.random() < 0.65:
            national_id = _new_national_id(rng, "1", taken)
            nationality, group = SAUDI_ARABIA, _SAUDI
            valid_for = 10 * 365  # a national ID card lasts ten years
        else:
            national_id = _new_national_id(rng, "2", taken)
            nationality, _, group = rng.choices(_RESIDENT_NATIONALITIES, nationality_weights)[0]
            valid_for = 2 * 365  # iqamas are renewed every year or two
        name_ar, name_en = _full_name(rng, group)
        birth_date = date.fromordinal(rng.randint(first_birth, last_birth))
        if rng.random() < 1 / 12:
            id_expiry = today - timedelta(days=rng.randint(1, 365))
        else:
            id_expiry = today + timedelta(days=rng.randint(30, valid_for))
        city = rng.choices(cities, city_weights)[0]
        district = rng.choice(districts[city])
        people.append(
            RegistryEntry(national_id, name_ar, name_en, birth_date, nationality, id_expiry,
                          city, district)
        )
    return people


def seed_demo(session: Session, count: int = DEMO_COUNT) -> int:
    """Add the demo people not yet in the registry; returns how many were added.

    People already present are left alone, so running it again adds nothing
    and never undoes an import that changed a demo person.
    """
    people = demo_people(count)
    stored = stored_people(session, [entry.national_id for entry in people])
    missing = [entry.to_person() for entry in people if entry.national_id not in stored]
    session.add_all(missing)
    session.flush()
    return len(missing)
