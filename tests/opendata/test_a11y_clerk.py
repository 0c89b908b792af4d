"""The clerk's upload and import screens (with errors shown) have no axe violations, pl and en."""

import pytest

from tests.accessibility.browser import axe_violations, describe, sign_in
from tests.opendata.a11y_pages import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_clerk_screens_with_errors_pass_axe(browser, live_server, tmp_path, prefix):
    from accounts.actions import role_grant
    from accounts.models import Department, Role
    from opendata.models import ImportStatus, TableImport
    from tests.accounts.factories import UserFactory

    pages()  # creates the resource, an uploaded import and a failed one
    department = Department.objects.get(code="ks")
    clerk = UserFactory()
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    context = browser.new_context()
    sign_in(context, live_server, clerk)
    page = context.new_page()
    uploaded = TableImport.objects.get(status=ImportStatus.UPLOADED)
    failed = TableImport.objects.get(status=ImportStatus.FAILED)
    failures = []
    bad = tmp_path / "zle.csv"
    bad.write_bytes(b"a;a\n1;2\n")
    upload_url = (
        f"{live_server.url}{prefix}/otwarte-dane/zasoby/{uploaded.resource.public_id}/import/"
    )
    page.goto(upload_url)
    page.set_input_files("#id_file", str(bad))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_file[aria-invalid=true]").count() == 1
    violations = axe_violations(page)
    if violations:
        failures.append(f"upload with errors:\n{describe(violations)}")
    checks: list[tuple[str, str | None]] = []
    published = TableImport.objects.filter(status=ImportStatus.SUCCEEDED).first()
    assert published is not None
    settings_url = (
        f"{live_server.url}{prefix}/otwarte-dane/zasoby/{published.resource.public_id}/ustawienia/"
    )
    page.goto(settings_url)
    page.select_option("#id_chart_type", "bar")
    page.click("#od-settings-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    checks.append(("settings with errors", None))
    checks += [
        ("settings", settings_url),
        ("upload", upload_url),
        ("schema", f"{live_server.url}{prefix}/otwarte-dane/importy/{uploaded.public_id}/"),
        ("failed import", f"{live_server.url}{prefix}/otwarte-dane/importy/{failed.public_id}/"),
    ]
    for name, url in checks:
        if url:
            page.goto(url)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{name}:\n{describe(violations)}")
    context.close()
    assert failures == [], "\n".join(failures)
