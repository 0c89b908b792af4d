"""Council members' and clerks' pages (behind login) have no axe violations, also with form
errors shown, in Polish and English."""

import pytest

from districts import actions
from tests.accessibility.browser import axe_violations, describe, sign_in
from tests.districts.factories import clerk, draft, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def logged_in(browser, live_server):  # type: ignore[no-untyped-def]
    from districts.actions import districts_load_reference

    districts_load_reference()
    contexts = []

    def login(user):  # type: ignore[no-untyped-def]
        context = browser.new_context()
        sign_in(context, live_server, user)
        contexts.append(context)
        return context.new_page()

    yield login
    for context in contexts:
        context.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_member_and_clerk_pages_have_no_axe_violations(
    logged_in, live_server, prefix, settings, tmp_path
):  # type: ignore[no-untyped-def]
    import io
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from PIL import Image

    from districts.models import CouncilOffice, CouncilSession

    settings.MEDIA_ROOT = str(tmp_path)

    from districts.models import District
    from tests.districts.factories import budget_year, fund

    year = budget_year()
    fund(year, Decimal("25000000.00"))
    district = District.objects.get(number=12)
    member = member_of(district)
    resolution = draft(district, member, year, compliant=False)
    # the resident's dashboard panel with a linked e-services office and a session
    member.district = district
    member.save()
    CouncilOffice.objects.update_or_create(
        district=district, defaults={"services_office_slug": "os-zgody"}
    )
    CouncilSession.objects.create(
        district=district,
        number="XX",
        starts_at=timezone.now() + timedelta(days=3),
        place="Sala obrad",
        agenda="1. Otwarcie.",
    )
    page = logged_in(member)
    failures = []

    def check(label: str) -> None:
        violations = axe_violations(page)
        if violations:
            failures.append(f"{label}:\n{describe(violations)}")

    base = f"{live_server.url}{prefix}/dzielnice"
    page.goto(f"{live_server.url}{prefix}/moje-konto/")
    assert page.locator("#panel-districts").count() == 1
    check("dashboard panel")
    for path in [
        "/rada/",
        f"/{district.slug}/uchwaly/nowa/",
        f"/uchwaly/{resolution.public_id}/edycja/",
    ]:
        page.goto(base + path)
        check(path)
    # the task form with errors shown (negative amount), and a refused filing
    page.goto(f"{base}/uchwaly/{resolution.public_id}/edycja/")
    page.fill("#id_title", "Ławki")
    page.fill("#id_amount", "-5")
    page.fill("#id_implementing_unit", "ZZM")
    page.get_by_role("button", name="Dodaj zadanie" if not prefix else "Add task").click()
    assert page.locator(".error-summary").count() == 1
    check("task form with errors")
    page.goto(f"{base}/uchwaly/{resolution.public_id}/edycja/")
    page.locator("form[action$='/zloz/'] button").click()
    assert page.locator(".error-summary").count() == 1
    check("refused filing")
    # the new-resolution form with errors
    page.goto(f"{base}/{district.slug}/uchwaly/nowa/")
    page.fill("#id_number", "zly numer")
    page.locator("main form button[type=submit]").click()
    check("new resolution with errors")

    # a clerk reviewing a filed resolution, with the error of a return without comments
    other = District.objects.get(number=3)
    other_member = member_of(other)
    filed = actions.resolution_file(
        resolution=draft(other, other_member, year), acting_user=other_member
    )
    task = filed.tasks.first()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    actions.task_attachment_add(
        task=task,
        kind="photo",
        title="Po remoncie",
        data=buffer.getvalue(),
        acting_user=other_member,
    )
    page = logged_in(clerk("review_resolution", "change_resolutiontask"))
    page.goto(f"{base}/uchwaly/{filed.public_id}/ocena/")
    check("review")
    page.locator("#id_decision_1").check()
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    check("review with errors")
    page.goto(f"{base}/zadania/{task.pk}/postep/")
    assert page.locator("form[action$='/usun/']").count() == 1
    check("progress with an attachment")
    page.fill("#id_spent", "-1")
    page.locator("form[action$='/postep/'] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    check("progress with errors")
    page.goto(f"{base}/zadania/{task.pk}/postep/")
    page.fill("#id_title", "Zdjęcie")
    page.set_input_files(
        "#id_file", files=[{"name": "a.png", "mimeType": "image/png", "buffer": b"fake"}]
    )
    page.locator("form[action$='/zalaczniki/'] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    check("attachment with errors")
    assert failures == [], "\n".join(failures)
