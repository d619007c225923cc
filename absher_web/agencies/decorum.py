"""The schedule of the Public Decorum Regulation (لائحة المحافظة على الذوق العام): each
violation an officer may record, in plain words, with its fine for a first offence and for
the same offence repeated within a year.

Source: the Public Decorum Regulation, Council of Ministers Resolution No. 444 of
4/8/1440 AH (2019): Article 8 sets a fine of up to SAR 5,000 (as amended, published in
Umm Al-Qura issue 4800), doubled when the same violation is repeated within a year of the
first; Article 9 has the Ministry of Interior classify the violations and their fines,
which it published in September 2019 (nineteen items, from SAR 50 to SAR 3,000 for a first
offence). The items below are that classification's, their first-offence fines as the
Ministry published them and the repeat fine the doubling of Article 8. Amounts in halalas.

This is the government's record the service reads: the officer's form offers these items,
the fine of a violation is taken from here when it is recorded (and kept with it), and the
holder's page words the item from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

REPEAT_WITHIN_DAYS = 365  # Article 8: the same violation again within a year is a repeat


@dataclass(frozen=True)
class Article:
    """One item of the schedule: its number, its words, its fines (halalas)."""

    code: str
    description: LazyString
    first_fine: int
    repeat_fine: int

    def fine(self, repeat: bool) -> int:
        return self.repeat_fine if repeat else self.first_fine


def _item(code: str, description: LazyString, riyals: int) -> Article:
    return Article(code, description, riyals * 100, riyals * 2 * 100)


# TRANSLATORS: The items of the Public Decorum Regulation's schedule of violations (لائحة
# المحافظة على الذوق العام), in plain words: the holder reads them on their violation, the
# officer picks one when recording it. Word them as the Ministry of Interior's schedule does.
ARTICLES: tuple[Article, ...] = (
    _item("1", _l("Wearing clothes unsuitable for the public place, against the dress rules "
                  "set for it"), 100),
    _item("2", _l("Appearing in a public place in underwear or sleepwear"), 100),
    _item("3", _l("Wearing clothes with words, pictures or signs that offend modesty or "
                  "public decorum"), 100),
    _item("4", _l("Wearing clothes with words, pictures or signs that incite racism or "
                  "promote drugs or indecency"), 500),
    _item("5", _l("Using lights such as lasers in a way that harms or frightens people in a "
                  "public place"), 500),
    _item("6", _l("Writing or drawing on a wall, a public place's furniture or a means of "
                  "transport without a licence"), 100),
    _item("7", _l("Putting up stickers or handing out commercial leaflets in a public place "
                  "without a licence"), 100),
    _item("8", _l("Lighting a fire in a park or public place outside the areas set for it"),
          100),
    _item("9", _l("Saying or doing something in a public place that harms or frightens "
                  "people or puts them in danger"), 100),
    _item("10", _l("Jumping a queue, outside the cases allowed"), 50),
    _item("11", _l("Playing music loudly in a residential area, or at prayer times"), 500),
    _item("12", _l("Taking photographs or videos of people without their permission, or of "
                   "crime scenes or traffic accidents"), 1000),
    _item("13", _l("Acts of a sexual nature in a public place that offend modesty"), 3000),
    _item("14", _l("Leaving litter, spitting or throwing waste outside the places set for "
                   "it"), 100),
    _item("15", _l("Letting an animal loose in a public place where it frightens or harms "
                   "people"), 100),
)
BY_CODE: dict[str, Article] = {article.code: article for article in ARTICLES}


def article(code: str) -> Article | None:
    return BY_CODE.get(code)
