"""`flask absher seed-demo`: the demo records of every source."""

from __future__ import annotations

import click

from absher_web.agencies import (
    civil_registry,
    civil_registry_demo,
    family_demo,
    investors,
    job_openings,
    premium_residencies,
    residency,
    sponsorship,
    traffic,
)
from absher_web.cli.base import absher
from absher_web.dates import local_today
from absher_web.extensions import db
from absher_web.models import PersonKind


@absher.command("seed-demo")
def seed_demo() -> None:
    """Fill the civil registry with synthetic demo people, and the vehicles, sponsorship,
    family and passports registries with their records (safe to run again)."""
    with db.transaction() as session:
        added = civil_registry_demo.seed_demo(session)
        demo = [civil_registry.find_person(session, national_id)
                for national_id in civil_registry.DEMO_IDS]
        lines = [
            f"  {person.national_id}  {person.kind.value:<8}  {person.name_en}"
            for person in demo
            if person is not None
        ]
        people = civil_registry_demo.demo_people()
        vehicles = traffic.seed_demo(session, [p.national_id for p in people])
        residents = [(p.national_id, p.name_ar, p.name_en, p.nationality) for p in people
                     if p.kind is PersonKind.RESIDENT]
        # The three demo people first: each sponsors a worker, a domestic worker and a
        # visitor, and the demo resident is the first one's worker.
        sponsors = [*civil_registry.DEMO_IDS, *(p.national_id for p in people
                                          if p.kind is PersonKind.CITIZEN
                                          and p.national_id not in civil_registry.DEMO_IDS)]
        sponsored = sponsorship.seed_demo(session, sponsors, residents)
        families = family_demo.seed_demo(session)
        passports = family_demo.seed_passports(session)
        visas = residency.seed_demo(session)
        bans = family_demo.seed_travel_bans(session)
        # The demo resident holds Premium Residency; two more residents show a limited one,
        # valid and expired.
        holders = premium_residencies.seed_demo(session, [
            civil_registry.DEMO_IDS[2],
            *(national_id for national_id, *_ in residents
              if national_id != civil_registry.DEMO_IDS[2])])
        # The demo resident holds a valid investment licence; another resident an expired one.
        licences = investors.seed_demo(session, [
            civil_registry.DEMO_IDS[2],
            *(national_id for national_id, *_ in residents
              if national_id != civil_registry.DEMO_IDS[2])][:2])
        openings = job_openings.seed_demo(session, local_today())
    click.echo(f"Added {added} demo people to the civil registry, {vehicles} vehicles and "
               f"{sponsored} sponsored workers and visitors, {families} family records, "
               f"{passports} passports, {visas} visas, {bans} travel bans, {holders} Premium "
               f"Residency holders, {licences} investment licences, {openings} job openings.")
    click.echo("Register with one of these ID or iqama numbers:")
    for line in lines:
        click.echo(line)
    click.echo(f"  {family_demo.HESSA}  citizen   a divorced mother with her children in her "
               "custody (New family record for mothers)")
    click.echo(f"  {civil_registry.DEMO_IDS[2]}  resident  a Premium Residency holder (Visas "
               "for Premium Residency holders: requests go to a Passports officer of Dammam)")
    click.echo(f"  {civil_registry.DEMO_IDS[2]}  resident  also a foreign investor with a valid "
               "licence (Foreign investor services)")
    click.echo(f"  {family_demo.AMAL}  citizen   a divorced mother whose son's custody is not "
               "recorded: her request goes to a Civil Affairs officer of Riyadh")
