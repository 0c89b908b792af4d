"""axe on the signed-in budget and referendum pages (ballot, review, receipt, paper entry,
project submission, referendum vote), in pl and en, also with form errors shown."""

import pytest

from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.browser import signed_in_page as _signed_in_page
from tests.consultations.budget import factories as f
from tests.consultations.referenda import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    from districts.actions import districts_load_reference

    districts_load_reference()


def _check(page, failures, label):  # type: ignore[no-untyped-def]
    violations = axe_violations(page)
    if violations:
        failures.append(f"{label}:\n{describe(violations)}")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_signed_in_pages_have_no_axe_violations(browser, live_server, prefix):  # type: ignore[no-untyped-def]
    edition = f.edition(phase="voting", year=2092)
    pool = f.pool(edition=edition)
    for _ in range(3):
        f.project(pool=pool)
    f.edition(phase="submission", year=2093)
    submission = f.pool(edition=type(edition).objects.get(year=2093))
    del submission
    voter = f.resident()
    referendum = rf.referendum()
    clerk = f.clerk("budget.enter_paper_ballot", "referenda.enter_paper_vote")
    failures: list[str] = []

    context, page = _signed_in_page(browser, live_server, voter)
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/budzet-obywatelski/2092/glosuj/")
    _check(page, failures, "vote start")
    page.goto(f"{base}/budzet-obywatelski/2092/glosuj/{pool.public_id}/")
    _check(page, failures, "ballot")
    # the same project twice: the error summary and invalid fields
    page.select_option("#id_rank_1", index=1)
    page.select_option("#id_rank_2", index=1)
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    _check(page, failures, "ballot with errors")
    page.select_option("#id_rank_2", index=2)
    page.click("main button[type=submit]")
    _check(page, failures, "review")
    page.click("main button[value=cast]")
    assert "potwierdzenie" in page.url
    _check(page, failures, "receipt")
    page.goto(f"{base}/budzet-obywatelski/2093/zglos-projekt/")
    _check(page, failures, "submit project")
    page.click("main button[type=submit]")
    _check(page, failures, "submit project with errors")
    page.goto(f"{base}/referenda/{referendum.public_id}/")
    context.close()

    voter2 = f.resident()
    referendum2 = rf.referendum()
    context, page = _signed_in_page(browser, live_server, voter2)
    page.goto(f"{base}/referenda/{referendum2.public_id}/")
    _check(page, failures, "referendum vote")
    page.click("main button[type=submit]")
    _check(page, failures, "referendum vote with errors")
    context.close()

    context, page = _signed_in_page(browser, live_server, clerk)
    page.goto(f"{base}/budzet-obywatelski/2092/karty-papierowe/{pool.public_id}/")
    _check(page, failures, "paper entry")
    page.fill("#id_pesel", "123")
    page.click("main button[type=submit]")
    _check(page, failures, "paper entry with errors")
    page.goto(f"{base}/referenda/{referendum.public_id}/karty-papierowe/")
    page.click("main button[type=submit]")
    _check(page, failures, "referendum paper entry with errors")
    context.close()
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_clerk_and_appeal_pages_have_no_axe_violations(browser, live_server, prefix):  # type: ignore[no-untyped-def]
    from consultations.budget import actions
    from consultations.budget.models import Ballot, BallotChoice, ProjectStatus

    edition = f.edition(phase="submission", year=2094)
    pool = f.pool(edition=edition)
    author = f.resident()
    submitted = f.project(pool=pool, status=ProjectStatus.SUBMITTED, submitted_by=author)
    rejected = f.project(pool=pool, status=ProjectStatus.SUBMITTED, submitted_by=author)
    verifier = f.clerk("budget.verify_project")
    actions.project_verify(
        project=rejected, accepted=False, reason="Teren prywatny", acting_user=verifier
    )
    closed = f.edition(phase="closed", year=2095)
    closed_pool = f.pool(edition=closed)
    projects = [f.project(pool=closed_pool) for _ in range(3)]
    for chosen in ([0], [0, 1], [2]):
        ballot = Ballot.objects.create(pool=closed_pool, channel="paper")
        for pos, i in enumerate(chosen, start=1):
            BallotChoice.objects.create(
                ballot=ballot, project=projects[i], position=pos, points=4 - pos
            )
    actions.pool_results_compute(pool=closed_pool)
    failures: list[str] = []
    base = f"{live_server.url}{prefix}"

    context, page = _signed_in_page(browser, live_server, author)
    page.goto(f"{base}/budzet-obywatelski/projekty/{rejected.public_id}/odwolanie/")
    _check(page, failures, "appeal")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    _check(page, failures, "appeal with errors")
    page.fill("#id_text", "Działka należy do miasta")
    page.click("main button[type=submit]")
    _check(page, failures, "appeal filed")
    context.close()

    context, page = _signed_in_page(browser, live_server, verifier)
    page.goto(f"{base}/budzet-obywatelski/urzad/weryfikacja/")
    _check(page, failures, "verification queue")
    page.goto(f"{base}/budzet-obywatelski/urzad/weryfikacja/{submitted.public_id}/")
    _check(page, failures, "verify project")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    _check(page, failures, "verify project with errors")
    page.goto(f"{base}/budzet-obywatelski/urzad/weryfikacja/{rejected.public_id}/")
    _check(page, failures, "appeal decision")
    context.close()

    context, page = _signed_in_page(browser, live_server, f.clerk("budget.publish_results"))
    page.goto(f"{base}/budzet-obywatelski/urzad/wyniki/")
    _check(page, failures, "results queue")
    page.goto(f"{base}/budzet-obywatelski/urzad/wyniki/{closed_pool.public_id}/")
    _check(page, failures, "approve results")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    _check(page, failures, "approve results with errors")
    page.check("#id_confirm")
    page.click("main button[type=submit]")
    _check(page, failures, "results approved")
    context.close()
    assert failures == [], "\n".join(failures)
