"""Page content that is data rather than prose: the support numbers and the services
catalogue.

Every name and description is a translatable string (English msgid, Arabic in
translations/ar). The Arabic names follow the list in the source article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from absher_web.text import normalise_for_matching


@dataclass(frozen=True)
class PhoneNumber:
    """A number as people dial it from where they are; ``tel`` is its link."""

    digits: str

    def __str__(self) -> str:
        return self.digits

    @property
    def tel(self) -> str:
        # "00" is how Saudi Arabia dials abroad; a tel: link uses the "+" that works anywhere.
        return "tel:" + ("+" + self.digits[2:] if self.digits.startswith("00") else self.digits)


# Absher's unified support line, and the number to call from outside Saudi Arabia. Pages
# and messages name them (%(support_number)s, absher_web/wording.py), never write them.
SUPPORT_NUMBER = PhoneNumber("920020405")
SUPPORT_NUMBER_ABROAD = PhoneNumber("00966114618666")

# When the accessibility statement (templates/public/accessibility.html) was last checked
# against the portal and its tests; change it with every review.
ACCESSIBILITY_REVIEWED = date(2026, 11, 25)


@dataclass(frozen=True)
class Service:
    name: LazyString
    description: LazyString
    # Services that act on the person's own records need an activated account.
    needs_active_account: bool
    # The page of a working service (an endpoint): the catalogue links to it.
    endpoint: str | None = None
    # The government agency that provides it (CIVIL_AFFAIRS…): its page lists it.
    agency: str | None = None


CIVIL_AFFAIRS = "civil_affairs"
PASSPORTS = "passports"  # the General Directorate of Passports (الجوازات)
# Each agency's own page (an endpoint), which lists its services but not itself.
AGENCY_PAGES = {CIVIL_AFFAIRS: "public.civil_affairs", PASSPORTS: "public.passports_directorate"}


SERVICES: tuple[Service, ...] = (
    Service(
        _l("Visas for Premium Residency holders"),
        _l("Request visas through Absher if you hold Premium Residency."),
        True,
        "premium_visas.page",
        agency=PASSPORTS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Birth registration"),
        _l("Register the birth of a child with the civil registry without visiting an office."),
        True,
        "births.page",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        _l("Family record on marriage"),
        _l("Apply for a family record after you marry."),
        True,
        "family_records.marriage",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        _l("New family record for mothers"),
        _l("Apply, as a mother, for a new family record of your own."),
        True,
        "family_records.mother",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        _l("My family"),
        _l("See your family members and dependents from the civil registry, with their ID and "
           "passport validity, and your family record."),
        True,
        "family.page",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Foreign investor services"),
        _l("Carry out the electronic transactions that are open to foreign investors."),
        True,
        "investors.page",
    ),
    Service(
        _l("Foreign vehicle violations enquiry"),
        _l("Check the traffic violations recorded against a vehicle with foreign plates."),
        False,
        "eservices.foreign_vehicle_violations",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Impounded vehicles"),
        _l("Find out whether any of your vehicles has been impounded."),
        True,
        "eservices.vehicles",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Vehicle sale"),
        _l("Sell a vehicle and transfer its ownership to the buyer electronically."),
        True,
        "eservices.vehicle_sale",
    ),
    Service(
        # TRANSLATORS: In the services list, the name of the portal for businesses (أبشر أعمال).
        _l("Absher Business service"),
        _l("The Absher portal where establishments carry out their transactions."),
        False,
    ),
    Service(
        # TRANSLATORS: In the services list, the name of the portal for individuals (أبشر أفراد).
        _l("Absher Individuals service"),
        _l("The Absher portal where citizens and residents carry out their own transactions."),
        False,
        "auth.login",  # this portal: its door is signing in
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Absher Passports"),
        _l("Carry out passport transactions online instead of at a Passports office."),
        True,
        "passports.page",
        agency=PASSPORTS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Absher Employment"),
        _l("Find and apply for jobs at the Ministry of Interior."),
        False,
        "employment.openings",
    ),
    Service(
        _l("Recording public decorum violations online"),
        _l("Record violations of the public decorum rules electronically."),
        True,
        "decorum.page",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Residency and visas"),
        _l("Carry out residency (iqama) and visa transactions."),
        True,
        "eservices.residency_and_visas",
        agency=PASSPORTS,
    ),
    Service(
        _l("My data"),
        _l("See the personal information the civil registry holds about you."),
        True,
        "account.my_data",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Beneficiary's personal information"),
        _l("View the personal details recorded for you as the account holder."),
        True,
        "account.my_data",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Fingerprint enquiry"),
        _l("Check whether your fingerprints have been recorded."),
        True,
        "eservices.fingerprint",
    ),
    Service(
        _l("Reporting an absent domestic worker"),
        _l("Report that a domestic worker you sponsor has left work without notice."),
        True,
        "eservices.domestic_worker_absence",
        agency=PASSPORTS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Address details"),
        _l("View the address recorded for you."),
        True,
        "account.my_data",
    ),
    Service(
        _l("Removing a vehicle user"),
        _l("Remove a person you had authorised to use your vehicle."),
        True,
        "eservices.driving_authorisations",
    ),
    Service(
        _l("Driving authorisation requests awaiting approval"),
        _l("Review requests to authorise a driver that are still waiting for approval."),
        True,
        "eservices.driving_authorisations",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Tahseen service"),
        _l("Send a complaint, a question or a suggestion to the Civil Affairs agency."),
        False,
        "tahseen.page",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Visit visa extension"),
        _l("Extend the stay of a relative or guest who is in the Kingdom on a visit visa."),
        True,
        "eservices.visit_visa_extension",
        agency=PASSPORTS,
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Passports Directorate"),
        _l("Find out about the General Directorate of Passports and its services on Absher."),
        False,
        "public.passports_directorate",
        agency=PASSPORTS,
    ),
    Service(
        _l("Vehicle insurance validity enquiry"),
        _l("Check whether a vehicle's insurance is still valid."),
        False,
        "eservices.vehicles",
    ),
    Service(
        _l("Health insurance validity for residents"),
        _l("Check whether a resident's health insurance is still valid."),
        False,
        "eservices.health_insurance",
    ),
    Service(
        # TRANSLATORS: The name of an e-service or of a group of e-services, in the services list.
        _l("Civil Affairs Agency"),
        _l("Find out about the Civil Affairs agency and its services on Absher."),
        False,
        "public.civil_affairs",
        agency=CIVIL_AFFAIRS,
    ),
    Service(
        _l("New workers and visitors enquiry"),
        _l("Look up newly arrived workers under your sponsorship and visitors you invited."),
        True,
        "eservices.workers_and_visitors",
        agency=PASSPORTS,
    ),
)


def agency_services(agency: str) -> list[Service]:
    """The agency's working services (those with a page), once each, in the catalogue's
    order; its own page left out."""
    listed, seen = [], {AGENCY_PAGES[agency]}
    for service in SERVICES:
        if service.agency == agency and service.endpoint and service.endpoint not in seen:
            seen.add(service.endpoint)
            listed.append(service)
    return listed


def search_services(query: str) -> list[Service]:
    """Services whose name or description contains every word of the query."""
    words = normalise_for_matching(query).split()
    if not words:
        return list(SERVICES)
    found = []
    for service in SERVICES:
        haystack = normalise_for_matching(f"{service.name} {service.description}")
        if all(word in haystack for word in words):
            found.append(service)
    return found
