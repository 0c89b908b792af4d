"""Accessibility pages and API: content, the statement's ids, the request form, query counts
and the clerks' admin for requests (permission matrix)."""

import re

import pytest
from django.core import mail

from accessibility import actions
from accessibility.models import AccessibilityRequest, RemediationTask
from tests.accessibility.factories import building, clerk_of, task_for

pytestmark = pytest.mark.django_db

STATEMENT_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-ocena",
    "a11y-data-sporzadzenie",
    "a11y-audytor",
    "a11y-kontakt",
    "a11y-osoba",
    "a11y-email",
    "a11y-telefon",
    "a11y-procedura",
    "a11y-architektura",
    "a11y-aplikacje",
]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_statement_holds_every_prescribed_id_filled_from_data(client, prefix):
    html = client.get(f"{prefix}/dostepnosc/deklaracja/").content.decode()
    for element_id in STATEMENT_IDS:
        assert len(re.findall(rf'id="{element_id}"', html)) == 1, element_id
    assert 'id="a11y-email" href="mailto:dostepnosc@krakow.example"' in html
    assert "/dostepnosc/budynki/pl-wszystkich-swietych-3-4/" in html


def test_statement_contact_comes_from_settings(client, settings):
    # given the deployment's real contact
    settings.ACCESSIBILITY_CONTACT_EMAIL = "koordynator@um.example"
    settings.ACCESSIBILITY_CONTACT_PHONE = "+48 12 345 67 89"
    html = client.get("/dostepnosc/deklaracja/").content.decode()
    # then the statement shows it, the phone as a link
    assert 'id="a11y-email" href="mailto:koordynator@um.example"' in html
    assert 'id="a11y-telefon" href="tel:+48123456789"' in html


def test_statement_says_plainly_when_no_phone_is_configured(client, settings):
    settings.ACCESSIBILITY_CONTACT_PHONE = ""
    html = client.get("/en/dostepnosc/deklaracja/").content.decode()
    assert '<span id="a11y-telefon">' in html
    assert "000 00 00" not in html


def test_statement_follows_the_ministers_template(client, coordinator):
    # self-assessment, no excessive-burden claim
    html = client.get("/dostepnosc/deklaracja/").content.decode()
    assert "samooceny przeprowadzonej przez podmiot publiczny" in html
    assert "nie powołuje się na nadmierne obciążenie" in html
    assert 'href="https://bip.brpo.gov.pl/"' in html
    assert html.index('id="a11y-status"') < html.index('id="a11y-data-sporzadzenie"')
    assert html.index('id="a11y-kontakt"') < html.index('id="a11y-procedura"')
    assert html.index('id="a11y-architektura"') < html.index('id="a11y-aplikacje"')
    # an external audit and a burden analysis, once the coordinator records them
    actions.statement_update(
        acting_user=coordinator,
        auditor="Fundacja Audytorów",
        burden_analysis_url="https://www.bip.krakow.pl/analiza",
        exemptions="Filmy opublikowane przed 23 września 2020 r.",
    )
    html = client.get("/dostepnosc/deklaracja/").content.decode()
    assert 'podmiot zewnętrzny: <span id="a11y-audytor">Fundacja Audytorów</span>' in html
    assert 'href="https://www.bip.krakow.pl/analiza"' in html
    assert "Filmy opublikowane przed 23 września 2020 r." in html


def test_footer_links_the_statement(client):
    assert 'href="/dostepnosc/deklaracja/"' in client.get("/").content.decode()


def test_building_page_at_stable_slug_shows_blocker(client):
    html = client.get("/dostepnosc/budynki/pl-wszystkich-swietych-3-4/").content.decode()
    assert "Montaż windy" in html
    assert "uzgodnienia z konserwatorem zabytków" in html
    assert client.get("/en/dostepnosc/budynki/pl-wszystkich-swietych-3-4/").status_code == 200


def test_unknown_building_and_website_are_404(client):
    assert client.get("/dostepnosc/budynki/nie-ma/").status_code == 404
    assert client.get("/dostepnosc/serwisy/nie-ma/").status_code == 404


def test_schedule_lists_every_task_with_cost(client, coordinator):
    task = RemediationTask.objects.get(barrier__building__slug="kasprowicza-29")
    actions.remediation_task_update(
        task=task, acting_user=coordinator, status="in_progress", cost="84000"
    )
    html = client.get("/dostepnosc/harmonogram/").content.decode()
    assert html.count("<tr>") - 1 == RemediationTask.objects.count()
    assert "84" in html


def test_bip_audit_page_shows_the_50_criteria_once_results_exist(client, coordinator):
    from accessibility.models import DigitalAudit

    audit = DigitalAudit.objects.get(website__slug="bip")
    actions.digital_audit_record_results(
        audit=audit, results={"1.4.3": ("fail", "")}, acting_user=coordinator
    )
    html = client.get("/en/dostepnosc/serwisy/bip/").content.decode()
    assert "Contrast (Minimum)" in html
    assert html.count('<th scope="row">') == 50


@pytest.mark.parametrize(
    "path",
    [
        "/dostepnosc/",
        "/dostepnosc/budynki/",
        "/dostepnosc/harmonogram/",
        "/dostepnosc/serwisy/",
        "/dostepnosc/deklaracja/",
    ],
)
def test_list_pages_do_not_grow_queries_with_rows(client, django_assert_max_num_queries, path):
    for n in range(15):
        task_for(building(slug=f"b-{n}"), cost=n)
    with django_assert_max_num_queries(8):
        assert client.get(path).status_code == 200


def test_request_form_stores_and_confirms(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dostepnosc/zgloszenie/",
            {
                "kind": "alternative",
                "name": "Jan",
                "email": "jan@example.org",
                "subject_url": "PDF uchwały",
                "description": "Skan bez tekstu",
            },
        )
    assert response.status_code == 302
    stored = AccessibilityRequest.objects.get()
    assert stored.kind == "alternative"
    assert len(mail.outbox) == 1


def test_request_form_errors_are_shown_and_nothing_stored(client):
    response = client.post("/en/dostepnosc/zgloszenie/", {"kind": "bogus", "email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert "Correct the errors" in html
    # the shared error summary links each error to its field (the radio group's legend)
    assert 'href="#id_kind_legend"' in html
    assert 'href="#id_email"' in html
    assert not AccessibilityRequest.objects.exists()
    assert mail.outbox == []


def _answer(client, user, request):  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    return client.post(
        f"/admin/accessibility/accessibilityrequest/{request.pk}/change/",
        {"answer": "Dodaliśmy napisy."},
    )


@pytest.mark.parametrize("who", ["anonymous", "resident", "clerk_without_permission"])
def test_request_answer_is_refused_and_nothing_changes(client, user, who):
    request = actions.accessibility_request_submit(
        kind="request", name="A", email="a@example.org", subject_url="x", description="y"
    )
    acting = {"anonymous": None, "resident": user, "clerk_without_permission": clerk_of("PODATKI")}[
        who
    ]
    response = _answer(client, acting, request)
    assert response.status_code in (302, 403, 404)
    request.refresh_from_db()
    assert (request.status, request.answer) == ("new", "")


def test_api_lists_buildings_with_tasks(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/accessibility-buildings/").json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    lift = next(b for b in rows if b["slug"] == "pl-wszystkich-swietych-3-4")
    assert lift["heritage_protected"] is True
    assert lift["barriers"][0]["tasks"][0]["blocker"] == "heritage"
    assert client.get("/api/v1/accessibility-websites/bip/").json()["kind"] == "website"
    assert client.post("/api/v1/accessibility-buildings/", {}).status_code in (403, 405)
