"""The demo families (`flask absher seed-demo`): the demo holders get a spouse, children
under and over 18, parents, a divorce with custody recorded with the mother, and births
hospitals notified; their workers and visitors come from sponsorship.py.

    1012345672 Mohammed   married to Noura (1087654321, the second demo holder); a son
                          and a daughter under 18; his father and mother; a newborn
                          notified five days ago
    2123456788 Ahmed      married to Mariam; a son of 20 and a daughter under 18; divorced
                          from Dina, who has custody of their daughter; a birth notified
                          40 days ago (past the 30 days registration allows)
    1050198512 Hessa      a Saudi mother divorced from Fahad, with their daughter and son
                          in her custody: she can apply for a family record of her own
                          (register with her ID number); Mohammed, married without a
                          family record, can apply for his
    1050198611 Amal       a Saudi mother divorced from Saleh, with their son whose custody
                          nobody recorded: her request for a family record goes to a Civil
                          Affairs officer of Riyadh (the queue in the officer console)

Their passports (PASSPORTS) show My family's every state: valid, expiring within the
ID's 30 days, expired, and none recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, family, passports
from absher_web.agencies.civil_registry import DEMO_IDS, RegistryEntry
from absher_web.agencies.family import BirthEntry, CustodyEntry, MarriageEntry, ParentEntry
from absher_web.agencies.passports import PassportEntry
from absher_web.dates import local_today
from absher_web.identity import national_id_check_digit
from absher_web.models import Marriage, MarriageEnd, ParentRole, Passport, Sex, TravelBan


def _id(first_nine: str) -> str:
    return first_nine + national_id_check_digit(first_nine)


# The demo relatives, with ID numbers no random demo person has (the random ones are
# drawn by civil_registry_demo; these are checked before they are added).
SAAD, LATIFA = _id("105020160"), _id("105020200")  # Mohammed's son and daughter
ABDULLAH, MUNIRA = _id("105019620"), _id("105019660")  # Mohammed's father and mother
MARIAM, MAHMOUD = _id("205019880"), _id("205020060")  # Ahmed's wife and son
LAILA, DINA, SALMA = _id("205020150"), _id("205019870"), _id("205020110")
# A divorced Saudi mother (a demo holder of the family record for mothers), her former
# husband, and their daughter and son in her custody.
HESSA, FAHAD = _id("105019851"), _id("105019790")
REEM, KHALID = _id("105020140"), _id("105020170")
# A divorced Saudi mother whose son's custody is not recorded: a case for an officer.
AMAL, SALEH, YOUSEF = _id("105019861"), _id("105019780"), _id("105020180")


def relatives(today: date) -> list[RegistryEntry]:
    """The demo holders' relatives, as the civil registry holds them."""
    def entry(national_id: str, name_ar: str, name_en: str, born: date, nationality: str,
              city: str, district: str) -> RegistryEntry:
        years = 10 if nationality == "SAU" else 2
        return RegistryEntry(national_id, name_ar, name_en, born, nationality,
                             today + timedelta(days=years * 300), city, district)

    riyadh, dammam = ("الرياض", "حي النخيل"), ("الدمام", "حي الفيصلية")
    return [
        entry(SAAD, "سعد محمد عبدالله العتيبي", "Saad Mohammed Abdullah Al-Otaibi",
              date(2016, 4, 11), "SAU", *riyadh),
        entry(LATIFA, "لطيفة محمد عبدالله العتيبي", "Latifa Mohammed Abdullah Al-Otaibi",
              date(2020, 9, 3), "SAU", *riyadh),
        entry(ABDULLAH, "عبدالله سعد فهد العتيبي", "Abdullah Saad Fahad Al-Otaibi",
              date(1962, 1, 20), "SAU", *riyadh),
        entry(MUNIRA, "منيرة ناصر سعود الدوسري", "Munira Nasser Saud Al-Dosari",
              date(1966, 6, 8), "SAU", *riyadh),
        entry(MARIAM, "مريم طارق وليد حداد", "Mariam Tarek Walid Haddad",
              date(1988, 2, 14), "EGY", *dammam),
        entry(MAHMOUD, "محمود أحمد محمود منصور", "Mahmoud Ahmed Mahmoud Mansour",
              date(2006, 4, 10), "EGY", *dammam),
        entry(LAILA, "ليلى أحمد محمود منصور", "Laila Ahmed Mahmoud Mansour",
              date(2015, 9, 1), "EGY", *dammam),
        entry(DINA, "دينا كريم سامر عثمان", "Dina Karim Samer Osman",
              date(1987, 12, 5), "EGY", *dammam),
        entry(SALMA, "سلمى أحمد محمود منصور", "Salma Ahmed Mahmoud Mansour",
              date(2011, 2, 14), "EGY", *dammam),
        entry(HESSA, "حصة عبدالرحمن ناصر الشهري", "Hessa Abdulrahman Nasser Al-Shehri",
              date(1985, 10, 2), "SAU", *riyadh),
        entry(FAHAD, "فهد سلطان محمد الغامدي", "Fahad Sultan Mohammed Al-Ghamdi",
              date(1979, 3, 9), "SAU", *riyadh),
        entry(REEM, "ريم فهد سلطان الغامدي", "Reem Fahad Sultan Al-Ghamdi",
              date(2014, 5, 20), "SAU", *riyadh),
        entry(KHALID, "خالد فهد سلطان الغامدي", "Khalid Fahad Sultan Al-Ghamdi",
              date(2017, 11, 8), "SAU", *riyadh),
        entry(AMAL, "أمل سعد عبدالعزيز الزهراني", "Amal Saad Abdulaziz Al-Zahrani",
              date(1988, 7, 14), "SAU", *riyadh),
        entry(SALEH, "صالح ناصر علي المطيري", "Saleh Nasser Ali Al-Mutairi",
              date(1978, 1, 30), "SAU", *riyadh),
        entry(YOUSEF, "يوسف صالح ناصر المطيري", "Yousef Saleh Nasser Al-Mutairi",
              date(2018, 3, 2), "SAU", *riyadh),
    ]


def records(today: date) -> list[family.FamilyEntry]:
    mohammed, noura, ahmed = DEMO_IDS
    father, mother, male, female = ParentRole.FATHER, ParentRole.MOTHER, Sex.MALE, Sex.FEMALE
    return [
        MarriageEntry(mohammed, noura, date(2015, 1, 22)),
        ParentEntry(mohammed, SAAD, father, male), ParentEntry(noura, SAAD, mother, male),
        ParentEntry(mohammed, LATIFA, father, female),
        ParentEntry(noura, LATIFA, mother, female),
        ParentEntry(ABDULLAH, mohammed, father, male),
        ParentEntry(MUNIRA, mohammed, mother, male),
        MarriageEntry(ABDULLAH, MUNIRA, date(1985, 3, 2)),
        MarriageEntry(ahmed, DINA, date(2009, 5, 1), date(2013, 8, 20), MarriageEnd.DIVORCE),
        ParentEntry(ahmed, SALMA, father, female), ParentEntry(DINA, SALMA, mother, female),
        CustodyEntry(DINA, SALMA, date(2013, 9, 15)),
        MarriageEntry(ahmed, MARIAM, date(2005, 6, 30)),
        ParentEntry(ahmed, MAHMOUD, father, male), ParentEntry(MARIAM, MAHMOUD, mother, male),
        ParentEntry(ahmed, LAILA, father, female), ParentEntry(MARIAM, LAILA, mother, female),
        MarriageEntry(FAHAD, HESSA, date(2012, 4, 5), date(2021, 1, 10), MarriageEnd.DIVORCE),
        ParentEntry(FAHAD, REEM, father, female), ParentEntry(HESSA, REEM, mother, female),
        ParentEntry(FAHAD, KHALID, father, male), ParentEntry(HESSA, KHALID, mother, male),
        CustodyEntry(HESSA, REEM, date(2021, 2, 1)), CustodyEntry(HESSA, KHALID, date(2021, 2, 1)),
        MarriageEntry(SALEH, AMAL, date(2016, 9, 1), date(2023, 5, 4), MarriageEnd.DIVORCE),
        ParentEntry(SALEH, YOUSEF, father, male), ParentEntry(AMAL, YOUSEF, mother, male),
        BirthEntry("KFSH-2026-0001", mohammed, noura, "مستشفى الملك فيصل التخصصي",
                   today - timedelta(days=5), male),
        BirthEntry("DMM-2026-0417", ahmed, MARIAM, "مستشفى الدمام المركزي",
                   today - timedelta(days=40), female),
    ]


def seed_demo(session: Session, today: date | None = None) -> int:
    """Add the demo families once (nothing if any marriage is recorded); the demo people
    must be in the registry. Returns how many family records were added."""
    if session.scalar(select(Marriage.id).limit(1)) is not None:
        return 0
    today = today or local_today()
    people = relatives(today)
    stored = civil_registry.stored_people(session, [p.national_id for p in people])
    civil_registry.import_people(session, [p for p in people if p.national_id not in stored],
                                 today)
    entries = records(today)
    family.import_family(session, entries)
    return len(entries)


# Who has a passport, issued by which country, and the days it has left (negative: expired
# that long ago); the others have none recorded. Mohammed's family shows every state, and
# so does Ahmed's (his passport shows on Mohammed's page too: Ahmed is his worker).
PASSPORTS: tuple[tuple[str, str, int], ...] = (
    (DEMO_IDS[0], "SAU", 1500), (DEMO_IDS[1], "SAU", 900), (SAAD, "SAU", 20),
    (ABDULLAH, "SAU", -60),  # Latifa and Munira: none
    (DEMO_IDS[2], "EGY", 700), (MARIAM, "EGY", 1100), (MAHMOUD, "EGY", -120),
    (LAILA, "EGY", 12),  # Salma: none
    (HESSA, "SAU", 2400), (REEM, "SAU", 25), (AMAL, "SAU", 600), (YOUSEF, "SAU", -30),
)


def demo_passports(today: date) -> list[PassportEntry]:
    """PASSPORTS as the Passports registry holds them: a Saudi passport for 10 years, an
    Egyptian one for 7, each issued that long before its expiry."""
    entries = []
    for n, (national_id, country, days_left) in enumerate(PASSPORTS, start=1):
        expires = today + timedelta(days=days_left)
        years = 10 if country == "SAU" else 7
        number = f"{'A' if country == 'SAU' else 'E'}{23456780 + n * 1371:08d}"
        entries.append(PassportEntry(national_id, number,
                                     expires - timedelta(days=years * 365 + years // 4),
                                     expires, country))
    return entries


def seed_passports(session: Session, today: date | None = None) -> int:
    """Give the demo holders and their families passports once (nothing if any passport is
    recorded); only to those the civil registry holds. Returns how many were added."""
    if session.scalar(select(Passport.id).limit(1)) is not None:
        return 0
    entries = demo_passports(today or local_today())
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    entries = [entry for entry in entries if entry.person_id in known]
    passports.import_passports(session, entries)
    return len(entries)


# Travel bans the Passports registry records: Amal's is open (Absher Passports refuses her
# a passport, naming the authority), Yousef's was lifted.
TRAVEL_BANS: tuple[tuple[str, int, str, int | None], ...] = (
    (AMAL, 200, "النيابة العامة", None), (YOUSEF, 400, "المحكمة العامة بالرياض", 100))


def seed_travel_bans(session: Session, today: date | None = None) -> int:
    """Record the demo travel bans once (nothing if any is recorded); only of people the
    civil registry holds. Returns how many were added."""
    if session.scalar(select(TravelBan.id).limit(1)) is not None:
        return 0
    today = today or local_today()
    entries = [passports.TravelBanEntry(person, today - timedelta(days=since), authority,
                                        None if lifted is None
                                        else today - timedelta(days=lifted))
               for person, since, authority, lifted in TRAVEL_BANS]
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    entries = [entry for entry in entries if entry.person_id in known]
    passports.import_bans(session, entries)
    return len(entries)
