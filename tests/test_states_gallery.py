"""The states gallery (web/dev_states/): every state renders in both languages, the list
links each one, fragments are fragments, and production has no gallery."""

from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet

from absher_web import create_app
from absher_web.agencies.traffic import PLATE_LETTERS, arabic_letters
from absher_web.config import ProductionConfig, TestConfig
from absher_web.web import dev_states, eservices
from tests import gallery
from tests.conftest import REDIS_URL
from tests.pages import parse

ENTRIES = dev_states.entries()
# States whose page is itself an error of the server's side.
SERVER_ERRORS = {"error-500", "error-503", "error-503.htmx"}


def test_every_state_renders_in_both_languages_without_a_server_error(states_gallery):
    for lang in gallery.LANGUAGES:
        for entry in ENTRIES:
            response = states_gallery[lang, entry.name]
            if entry.name not in SERVER_ERRORS:
                assert response.status_code < 500, (lang, entry.name, response.status_code)
            source = response.get_data(as_text=True)
            if entry.fragment:
                assert "<html" not in source, entry.name
            else:
                soup = parse(response)
                assert soup.html["lang"] == lang, entry.name
                assert len(soup.find_all("h1")) == 1, entry.name


def test_the_gallery_links_every_state_and_fragment(client):
    soup = parse(client.get("/en/dev/states"))
    links = {a["href"] for a in soup.select("main a")}
    assert links == {f"/en/dev/states/{entry.name}" for entry in ENTRIES}
    assert soup.title.get_text().startswith("States gallery")
    assert len({entry.name for entry in ENTRIES}) == len(ENTRIES)


def test_error_states_show_the_statuses_they_stand_for(client):
    for name, status in (("registration-conflict", 409), ("recovery-locked", 423),
                         ("error-429", 429), ("error-429.htmx", 429), ("error-503", 503),
                         ("error-400", 400), ("error-403", 403), ("error-404", 404),
                         ("registration-empty", 422), ("sign-in-locked", 422),
                         ("eservice-driving-authorisations-not-yours", 403),
                         ("eservice-driving-authorisations-not-yours.htmx", 403),
                         ("eservice-vehicles-not-yours", 403)):
        assert client.get(f"/ar/dev/states/{name}").status_code == status, name


def test_a_failed_code_step_and_its_fragment_say_the_same(client):
    page = parse(client.get("/en/dev/states/registration-code-sms-failed"))
    fragment = parse(client.get("/en/dev/states/registration-code-sms-failed.htmx"))
    assert fragment.find("title")  # htmx updates the title from the fragment
    assert page.select_one("[data-error-summary]").get_text() == \
        fragment.select_one("[data-error-summary]").get_text()


def test_every_e_service_shows_its_answers():
    # A new e-service adds its fixture answers to dev_states.ESERVICE_ANSWERS.
    missing = [s.slug for s in eservices.REGISTRY if s.slug not in dev_states.ESERVICE_ANSWERS]
    assert not missing, f"no answers in the states gallery for {missing}"
    names = {state.name for state in dev_states.STATES}
    for service in eservices.REGISTRY:
        assert {f"eservice-{service.slug}", f"eservice-{service.slug}-not-active"} <= names


@pytest.mark.parametrize("lang, words", [
    ("ar", "هذه المركبة ليست مسجلة باسمك، فلا يمكنك تفويض أحد بقيادتها."),
    ("en", "This vehicle is not registered in your name, so you cannot authorise anyone to "
           "drive it.")])
def test_a_form_sent_for_someone_elses_vehicle_is_answered_by_the_service_page(client, lang,
                                                                               words):
    for name in ("eservice-driving-authorisations-not-yours",
                 "eservice-driving-authorisations-not-yours.htmx"):
        response = client.get(f"/{lang}/dev/states/{name}")
        assert response.status_code == 403, name
        page = parse(response)
        summary = page.select_one("[data-error-summary]")
        assert words in " ".join(summary.get_text().split()), name
        assert page.find("h1").get_text(strip=True) == (
            "طلبات تفويض للقيادة" if lang == "ar" else "Driving authorisations")
        assert not page.select("#answer-heading"), name  # refused: no answer shown


def test_an_unknown_state_is_not_found(client):
    assert client.get("/en/dev/states/no-such-state").status_code == 404


def test_production_has_no_gallery(monkeypatch, limiter_back_on_its_storage):
    assert ProductionConfig.STATES_GALLERY is False
    for name, value in {"SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://",
                        "ALLOW_SQLITE": True, "ALLOWED_HOSTS": ("absher.example.sa",),
                        "API_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                        "RATELIMIT_STORAGE_URI": REDIS_URL or "redis://127.0.0.1:6379/0",
                        "SMS_URL": "https://sms.example/send", "SMS_API_KEY": "key"}.items():
        monkeypatch.setattr(ProductionConfig, name, value)
    client = create_app(ProductionConfig).test_client()
    for path in ("/ar/dev/states", "/en/dev/states/registration", "/en/dev/states/error-429"):
        response = client.get(path, base_url="https://absher.example.sa")
        assert response.status_code == 404, path


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_gallery_is_translated(client, lang):
    soup = parse(client.get(f"/{lang}/dev/states"))
    heading = soup.h1.get_text()
    assert heading == ("معرض الحالات" if lang == "ar" else "States gallery")


def test_the_error_summary_is_an_alert_holding_its_title_and_every_message(client):
    soup = parse(client.get("/en/dev/states/registration-empty"))
    summary = soup.select_one("[data-error-summary]")
    assert summary["tabindex"] == "-1" and not summary.has_attr("aria-labelledby")
    alert = summary.select_one('[role="alert"]')
    assert alert.h2.get_text(strip=True) == "There is a problem"
    assert len(alert.select("li a")) >= 8  # one link per field left empty


def test_every_public_page_is_in_the_gallery(app):
    # A new public page adds a line to dev_states.PUBLIC_PAGES, unless a section of its own
    # shows it with its other states (the /verify form: "verify", "verify-error"…).
    public = {endpoint for endpoint, view in app.view_functions.items()
              if getattr(view, "public_page", False)}
    shown_in_their_own_section = {"verify.page"}
    assert public == ({endpoint for endpoint, _ in dev_states.PUBLIC_PAGES}
                      | shown_in_their_own_section)


def test_every_e_service_answer_has_its_htmx_fragment():
    answers = {f"eservice-{slug}-{name}.htmx" for slug, listed in
               dev_states.ESERVICE_ANSWERS.items() for name, *_ in listed}
    assert answers <= {entry.name for entry in ENTRIES if entry.fragment}


# DESIGN.md section 6, on the wire: headers included, the body as the app compresses it.
PAGE_BUDGET = 30 * 1024  # a page alone (bench/page_weight.py adds its scripts and images)
FRAGMENT_BUDGET = 3 * 1024


def test_every_state_and_fragment_goes_out_compressed_within_its_budget(states_gallery):
    # Each as a fresh browser gets it: the page, then its htmx answer (tests/gallery.py).
    over = []
    for lang in gallery.LANGUAGES:
        for entry in ENTRIES:
            response = states_gallery[lang, entry.name]
            # Only what is too short to gain goes as it is (COMPRESS_MIN_SIZE).
            assert response.compressed or len(response.get_data()) < \
                TestConfig.COMPRESS_MIN_SIZE, entry.name
            assert ("<html" in response.text) is not entry.fragment, entry.name
            budget = FRAGMENT_BUDGET if entry.fragment else PAGE_BUDGET
            if response.wire_bytes > budget:
                over.append((lang, entry.name, response.wire_bytes))
    assert over == []


def test_the_e_service_fragments_mark_where_focus_goes(client):
    answer = parse(client.get("/en/dev/states/eservice-vehicles-answer.htmx"))
    assert answer.select_one("#answer-heading").has_attr("data-answer-heading")
    quote = parse(client.get("/en/dev/states/eservice-visit-visa-extension-quote.htmx"))
    assert quote.select_one("#quote-heading").has_attr("data-answer-heading")
    refused = client.get("/en/dev/states/eservice-driving-authorisations-refused.htmx")
    assert refused.status_code == 422 and parse(refused).select_one("[data-error-summary]")
    saved = parse(client.get("/en/dev/states/eservice-domestic-worker-absence-saved.htmx"))
    assert "is reported" in saved.select_one("#live-region[data-hx-swap-oob]").get_text()
    page = parse(client.get("/en/dev/states/eservice-domestic-worker-absence-saved"))
    assert page.select_one("#live-region").get_text(strip=True) == ""  # a page says it once


# A Saudi plate in Latin letters, e.g. "A B J 1234" (traffic.PLATE_LETTERS).
LATIN_PLATE = re.compile(r"(?<![\w-])([ABJDRSXTEGKLZNHUV](?: [ABJDRSXTEGKLZNHUV]){0,2}) "
                         r"(\d{1,4})(?![\w-])")
ARABIC_LETTER = "\u0621-\u064a"
# The elements that hold one sentence or value: where an Arabic sentence uses «،».
TEXT_BLOCKS = ["p", "li", "dd", "dt", "td", "th", "option", "h1", "h2", "h3", "h4",
               "label", "legend", "a", "button", "strong"]


def visible_text(response) -> str:
    soup = parse(response)
    for hidden in soup(["script", "style", "template", "title"]):
        hidden.decompose()
    for option in soup("option"):  # an option's text ends where the next begins
        option.append("\n")
    return soup.get_text()


def latin_commas_in_arabic(response) -> list[str]:
    """The text blocks that hold Arabic words and a Latin comma (not one grouping the
    digits of an amount, as in 1,234.50 ر.س: Saudi bills and banks write it so)."""
    soup = parse(response)
    found = []
    for piece in soup.find_all(string=re.compile(r"(?<!\d),|,(?!\d{3})")):
        block = piece.find_parent(TEXT_BLOCKS)
        text = block.get_text() if block else str(piece)
        if piece.find_parent(["script", "style", "template"]) is None and re.search(
                f"[{ARABIC_LETTER}]", text):
            found.append(" ".join(text.split()))
    return found


def test_arabic_pages_name_saudi_plates_in_arabic_letters_and_use_the_arabic_comma(
        states_gallery):
    plates_seen = 0
    for entry in ENTRIES:
        response = states_gallery["ar", entry.name]
        text = visible_text(response)
        for match in LATIN_PLATE.finditer(text):
            letters, number = match.groups()
            arabic = f"{arabic_letters(letters.replace(' ', ''))} {number}"
            before = text[max(0, match.start() - len(arabic) - 4):match.start()]
            assert arabic in before, (entry.name, match.group(), text[max(0, match.start()
                                                                            - 80):match.end()])
            plates_seen += 1
        assert not latin_commas_in_arabic(response), entry.name
    # The gallery's vehicles: My vehicles (3, each in a sentence or its details) and the
    # authorisations (the list to choose from, five entries), in pages and fragments.
    assert plates_seen >= 10, plates_seen


# A Saudi plate in Arabic letters, e.g. "ا ب ح 1234".
ARABIC_PLATE = re.compile(f"(?<![{ARABIC_LETTER}])([{''.join(PLATE_LETTERS.values())}]"
                          f"(?: [{''.join(PLATE_LETTERS.values())}]){{0,2}}) (\\d{{1,4}})"
                          r"(?![\w-])")
LATIN_OF = {arabic: latin for latin, arabic in PLATE_LETTERS.items()}


def test_english_pages_name_saudi_plates_in_latin_letters(states_gallery):
    # The Arabic form only in a plate's details (a <dd>), after the Latin one.
    plates_seen = details_seen = 0
    for entry in ENTRIES:
        response = states_gallery["en", entry.name]
        plates_seen += len(LATIN_PLATE.findall(visible_text(response)))
        for piece in parse(response).find_all(string=ARABIC_PLATE):
            details = piece.find_parent("dd")
            assert details is not None, (entry.name, piece.find_parent().get_text())
            text = " ".join(details.get_text().split())
            for match in ARABIC_PLATE.finditer(text):
                letters, number = match.groups()
                latin = f"{' '.join(LATIN_OF[ch] for ch in letters.split())} {number}"
                assert text[:match.start()].rstrip(" /").endswith(latin), (entry.name, text)
                details_seen += 1
    assert plates_seen >= 10 and details_seen >= 3, (plates_seen, details_seen)


def test_the_waiting_sentence_names_the_plate_in_the_pages_script(client):
    def waiting(lang: str) -> str:
        page = parse(client.get(f"/{lang}/dev/states/eservice-driving-authorisations"))
        return " ".join(page.select_one(".service-list p").get_text().split())

    assert "بقيادة Kia Sportage، لوحة رقم س ن ر 552 / S N R 552 حتى" in waiting("ar")
    english = waiting("en")
    assert "to drive Kia Sportage, plate S N R 552 until" in english
    assert not re.search(f"[{ARABIC_LETTER}]", english.split(" until ")[0]), english


@pytest.mark.parametrize(("lang", "label", "states"), [
    ("en", "Passport", ("Valid until", "Expires soon, on", "Expired on",
                        "No passport is recorded")),
    ("ar", "جواز السفر", ("الصلاحية سارية حتى", "تنتهي الصلاحية قريبًا", "انتهت الصلاحية في",
                          "لا يوجد جواز سفر مسجل")),
])
def test_my_family_shows_every_passport_state(client, lang, label, states):
    soup = parse(client.get(f"/{lang}/dev/states/family"))
    shown = [dt.find_next_sibling("dd").get_text(" ", strip=True)
             for dt in soup.select("li.card dt") if dt.get_text(strip=True) == label]
    assert len(shown) == 7  # five family members, a worker and a visitor
    for state in states:
        assert any(text.startswith(state) for text in shown), state
