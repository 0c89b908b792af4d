"""Dashboard panel, GDPR export, open-data rows, project submission and appeal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.registry import dashboard_panels, gdpr_contributors
from consultations.budget import actions, selectors
from consultations.budget.models import Project, ProjectStatus
from opendata.registry import registered_dataset
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


def test_dashboard_panel_shows_where_the_person_voted_and_receipt_codes():
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    project = f.project(pool=pool)
    voter = f.resident()
    receipt = actions.ballot_cast_online(user=voter, pool=pool, projects=[project])
    panel = next(p for p in dashboard_panels() if p.key == "budget")
    context = panel.context(voter)
    assert context is not None
    assert [e.receipt_code for e in context["entries"]] == [receipt.receipt_code]
    other = panel.context(f.resident())
    assert other is not None
    assert other["entries"] == []


def test_gdpr_export_lists_participation_but_never_ballot_contents():
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    project = f.project(pool=pool)
    voter = f.resident()
    receipt = actions.ballot_cast_online(user=voter, pool=pool, projects=[project])
    contributor = next(c for c in gdpr_contributors() if c.key == "budget")
    data = contributor.export(voter)
    assert data["voted"][0]["receipt_code"] == receipt.receipt_code
    assert receipt.check_code not in str(data)
    assert project.title not in str(data)


def test_open_data_rows_only_for_published_results():
    edition = f.edition(phase="closed")
    pool = f.pool(edition=edition)
    f.project(pool=pool)
    result = actions.pool_results_compute(pool=pool)
    dataset = registered_dataset("budzet-obywatelski-wyniki")
    assert dataset is not None
    assert list(dataset.rows()) == []
    actions.pool_results_publish(result=result, acting_user=f.clerk("budget.publish_results"))
    rows = list(dataset.rows())
    assert rows[0]["project_number"] == 1
    assert selectors.anonymised_votes_rows() == []


def test_resident_submits_a_project_with_cost_items(client):
    edition = f.edition(phase="submission")
    pool = f.pool(edition=edition)
    author = f.resident()
    client.force_login(author)
    url = reverse("budget:submit", kwargs={"year": edition.year})
    bad = client.post(
        url,
        {
            "pool": pool.pk,
            "title": "Skwer",
            "description": "Opis",
            "location": "Rynek",
            "cost_items": "Ławki; -5",
        },
    )
    assert bad.status_code == 400
    assert not Project.objects.exists()
    response = client.post(
        url,
        {
            "pool": pool.pk,
            "title": "Skwer",
            "description": "Opis",
            "location": "Rynek",
            "cost_items": "Ławki; 12000\nDrzewa; 3 000,50",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.cost == Decimal("15000.50")
    assert project.status == ProjectStatus.SUBMITTED
    assert project.history.first().history_user == author


def test_verification_and_appeal():
    edition = f.edition(phase="submission")
    pool = f.pool(edition=edition)
    author = f.resident()
    project = actions.project_submit(
        pool=pool,
        title="T",
        description="D",
        location="L",
        cost_items=[("x", Decimal("10"))],
        acting_user=author,
    )
    with pytest.raises(PermissionDenied):
        actions.project_verify(project=project, accepted=False, reason="Nie", acting_user=f.clerk())
    clerk = f.clerk("budget.verify_project")
    with pytest.raises(ValidationError):
        actions.project_verify(project=project, accepted=False, reason=" ", acting_user=clerk)
    actions.project_verify(
        project=project, accepted=False, reason="Teren prywatny", acting_user=clerk
    )
    with pytest.raises(PermissionDenied):
        actions.project_appeal(project=project, text="Nie zgadzam się", acting_user=f.resident())
    actions.project_appeal(project=project, text="Teren jest miejski", acting_user=author)
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPEALED
