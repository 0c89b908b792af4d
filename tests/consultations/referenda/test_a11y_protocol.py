"""axe on the clerk's protocol pages (queue, review, review with an error, approved, open
referendum, the index with the clerk's card), signed in as the clerk, in pl and en.

The anonymous harness (``a11y_pages.py``) cannot reach them: they need a signed-in clerk.
"""

import pytest

from consultations.referenda import actions
from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.browser import signed_in_page as _signed_in_page
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    from districts.actions import districts_load_reference

    districts_load_reference()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_protocol_pages_have_no_axe_violations(browser, live_server, prefix):  # type: ignore[no-untyped-def]
    voters = [bf.resident() for _ in range(3)]
    pending = rf.referendum(question="Czy wydłużyć godziny basenu?")
    for voter, answer in zip(voters, ["yes", "no", "yes"], strict=True):
        actions.referendum_vote(referendum=pending, user=voter, answer=answer)
    pending = actions.referendum_close(
        referendum=pending, acting_user=bf.clerk("referenda.manage_referendum")
    )
    open_one = rf.referendum(question="Czy posadzić drzewa przy szkole?")
    clerk = bf.clerk("referenda.approve_protocol")
    base = f"{live_server.url}{prefix}"
    failures: list[str] = []

    def check(label: str) -> None:
        violations = axe_violations(page)
        if violations:
            failures.append(f"{label}:\n{describe(violations)}")

    context, page = _signed_in_page(browser, live_server, clerk)
    page.goto(f"{base}/referenda/")
    check("index with the clerk's card")
    page.goto(f"{base}/referenda/urzad/protokoly/")
    check("protocol queue")
    page.goto(f"{base}/referenda/{pending.public_id}/protokol/")
    check("protocol review")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    check("protocol review with errors")
    page.check("#id_confirm")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 0
    check("protocol approved")
    page.goto(f"{base}/referenda/urzad/protokoly/")
    check("protocol queue with an approved protocol")
    page.goto(f"{base}/referenda/{open_one.public_id}/protokol/")
    check("protocol of an open referendum")
    page.goto(f"{base}/referenda/{pending.public_id}/")
    check("results page with the clerk's link")
    context.close()
    assert failures == [], "\n".join(failures)
