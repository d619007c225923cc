"""Absher Employment's forms: the openings search (a GET form, its choices in the URL), the
application (the qualification held; the CV) and the names of the openings' sectors,
regions, qualifications and conditions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import AttachmentsField, FilesForm, Required, rule, strip_spaces
from absher_web.models import JobGender, JobRegion, JobSector, Qualification
from absher_web.services.employment import CV_PURPOSE, PAGES_MAX, WORDS_MAX, Search

SECTOR_NAMES = {
    # TRANSLATORS: A sector of the Ministry of Interior that recruits (الأمن العام).
    JobSector.PUBLIC_SECURITY: _l("Public Security"),
    # TRANSLATORS: A sector of the Ministry of Interior (الدفاع المدني).
    JobSector.CIVIL_DEFENCE: _l("Civil Defence"),
    # TRANSLATORS: A sector of the Ministry of Interior (حرس الحدود).
    JobSector.BORDER_GUARD: _l("Border Guard"),
    # TRANSLATORS: A sector of the Ministry of Interior (المديرية العامة للجوازات).
    JobSector.PASSPORTS: _l("General Directorate of Passports"),
    # TRANSLATORS: A sector of the Ministry of Interior (المديرية العامة للسجون).
    JobSector.PRISONS: _l("General Directorate of Prisons"),
    # TRANSLATORS: A sector of the Ministry of Interior (قوات الأمن الخاصة).
    JobSector.SPECIAL_FORCES: _l("Special Security Forces"),
    # TRANSLATORS: A sector of the Ministry of Interior: its civilian posts (ديوان الوزارة).
    JobSector.HEADQUARTERS: _l("Ministry headquarters"),
}
REGION_NAMES = {
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة الرياض).
    JobRegion.RIYADH: lazy_pgettext("region", "Riyadh"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة مكة المكرمة).
    JobRegion.MAKKAH: lazy_pgettext("region", "Makkah"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة المدينة المنورة).
    JobRegion.MADINAH: lazy_pgettext("region", "Madinah"),
    # TRANSLATORS: An administrative region of Saudi Arabia (المنطقة الشرقية).
    JobRegion.EASTERN: lazy_pgettext("region", "Eastern Province"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة القصيم).
    JobRegion.QASSIM: lazy_pgettext("region", "Qassim"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة عسير).
    JobRegion.ASIR: lazy_pgettext("region", "Asir"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة تبوك).
    JobRegion.TABUK: lazy_pgettext("region", "Tabuk"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة حائل).
    JobRegion.HAIL: lazy_pgettext("region", "Hail"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة الحدود الشمالية).
    JobRegion.NORTHERN_BORDERS: lazy_pgettext("region", "Northern Borders"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة جازان).
    JobRegion.JAZAN: lazy_pgettext("region", "Jazan"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة نجران).
    JobRegion.NAJRAN: lazy_pgettext("region", "Najran"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة الباحة).
    JobRegion.BAHA: lazy_pgettext("region", "Al Baha"),
    # TRANSLATORS: An administrative region of Saudi Arabia (منطقة الجوف).
    JobRegion.JOUF: lazy_pgettext("region", "Al Jouf"),
}
QUALIFICATION_NAMES = {
    # TRANSLATORS: A level of education (الشهادة المتوسطة).
    Qualification.INTERMEDIATE: _l("Intermediate school certificate"),
    # TRANSLATORS: A level of education (الشهادة الثانوية).
    Qualification.SECONDARY: _l("Secondary school certificate"),
    # TRANSLATORS: A level of education (الدبلوم).
    Qualification.DIPLOMA: _l("Diploma"),
    # TRANSLATORS: A level of education (البكالوريوس).
    Qualification.BACHELOR: _l("Bachelor's degree"),
    # TRANSLATORS: A level of education (الماجستير).
    Qualification.MASTER: _l("Master's degree"),
    # TRANSLATORS: A level of education (الدكتوراه).
    Qualification.DOCTORATE: _l("Doctorate"),
}
GENDER_NAMES = {
    # TRANSLATORS: A condition of a job opening: only men may apply.
    JobGender.MEN: _l("For men"),
    # TRANSLATORS: A condition of a job opening: only women may apply.
    JobGender.WOMEN: _l("For women"),
}


def _choices(names: dict, first: str) -> list[SelectChoice]:
    return [SelectChoice("", first)] + [SelectChoice(member.value, str(name))
                                         for member, name in names.items()]


def _one_of(names: dict, key: str):  # noqa: ANN202 (a rule)
    values = {member.value for member in names}
    return rule(lambda value: None if not value or value in values else key)


def _page_rule(value: str) -> str | None:
    ok = value.isascii() and value.isdigit() and 1 <= int(value[:6]) <= PAGES_MAX
    return None if not value or ok else "jobs_page_invalid"


class OpeningSearchForm(SiteForm):
    """The openings search: read from the query string, so no CSRF token (it changes
    nothing)."""

    class Meta(SiteForm.Meta):
        csrf = False

    # TRANSLATORS: The search field of the job openings: words of a job's title or its
    # number.
    q = StringField(_l("Words in the job title"), filters=[strip_spaces],
                    validators=[rule(lambda value: "jobs_words_too_long"
                                     if len(value) > WORDS_MAX else None)])
    # TRANSLATORS: A filter of the job openings: the Ministry's sector.
    sector = SelectField(_l("Sector"), validate_choice=False,
                         validators=[_one_of(SECTOR_NAMES, "jobs_choice_invalid")])
    # TRANSLATORS: A filter of the job openings: the region of the Kingdom.
    region = SelectField(_l("Region"), validate_choice=False,
                         validators=[_one_of(REGION_NAMES, "jobs_choice_invalid")])
    # TRANSLATORS: A filter of the job openings: the qualification an opening asks for.
    qualification = SelectField(_l("Qualification required"), validate_choice=False,
                                validators=[_one_of(QUALIFICATION_NAMES,
                                                    "jobs_choice_invalid")])
    # TRANSLATORS: A checkbox of the job openings search: also show openings whose closing
    # date has passed.
    closed = BooleanField(_l("Include openings that have closed"))
    page = StringField(validators=[rule(_page_rule)])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 (WTForms' own)
        super().__init__(*args, **kwargs)
        # TRANSLATORS: The first entry of a filter of the job openings: no filter.
        every = str(_l("All"))
        self.sector.choices = _choices(SECTOR_NAMES, every)
        self.region.choices = _choices(REGION_NAMES, every)
        self.qualification.choices = _choices(QUALIFICATION_NAMES, every)

    def search(self) -> Search:
        """What a valid form asks for."""
        return Search(words=self.q.data or "",
                      sector=JobSector(self.sector.data) if self.sector.data else None,
                      region=JobRegion(self.region.data) if self.region.data else None,
                      qualification=Qualification(self.qualification.data)
                      if self.qualification.data else None,
                      include_closed=bool(self.closed.data),
                      page=int(self.page.data) if self.page.data else 1)


class ApplicationForm(FilesForm):
    """An application: the qualification the holder holds and their CV, one PDF (their
    registry data is shown, not typed)."""

    qualification = RadioField(
        # TRANSLATORS: The question above the list of qualifications on a job application.
        _l("Your highest qualification"), validate_choice=False,
        choices=[SelectChoice(member.value, name)
                 for member, name in QUALIFICATION_NAMES.items()],
        validators=[Required("jobs_qualification_required"),
                    _one_of(QUALIFICATION_NAMES, "jobs_qualification_required")])
    # TRANSLATORS: The field of a job application where the holder chooses their CV (a PDF
    # file).
    cv = AttachmentsField(_l("Your CV"), purpose=CV_PURPOSE, max_files=1)
