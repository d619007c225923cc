"""Every source `flask absher import <source> FILE` reads, by the name the operator types."""

from __future__ import annotations

from absher_web.agencies import (
    civil_registry,
    family,
    investors,
    job_openings,
    passports,
    premium_residencies,
    residency,
    sponsorship,
    traffic,
)
from absher_web.agencies.csv_source import Source

SOURCES: dict[str, Source] = {source.name: source for source in (
    civil_registry.SOURCE, traffic.VEHICLES, traffic.VIOLATIONS, sponsorship.SOURCE,
    family.SOURCE, passports.SOURCE, passports.BANS, residency.SOURCE,
    premium_residencies.SOURCE,
    investors.SOURCE, job_openings.SOURCE)}
