"""The clerk's protocol page: read the protocol (and its draft PDF), then approve it.

Matrix: anonymous → sign-in, residents, a council member and clerks without
``referenda.approve_protocol`` → 403 on GET and POST (nothing changes, nothing queued); the clerk
with it approves through ``referendum_protocol_approve`` (history records the clerk).
"""

import io
import uuid
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.actions import role_grant
from accounts.models import Role
from consultations.referenda import actions, selectors
from consultations.referenda.models import Referendum
from tests.consultations.budget import factories as bf
from tests.consultations.referenda import factories as rf

pytestmark = pytest.mark.django_db

APPROVE = "referenda.approve_protocol"
MANAGE = "referenda.manage_referendum"


def _closed(*, yes: int = 2, no: int = 1, paper_invalid: int = 0) -> Referendum:
    """A closed referendum of district 1 with ``yes``/``no`` online votes and spoilt paper
    ballots; ten eligible voters in all."""
    voters = [bf.resident(district_number=1) for _ in range(10)]
    referendum = rf.referendum(question="Czy zbudować tężnię solankową?")
    answers = ["yes"] * yes + ["no"] * no
    for voter, answer in zip(voters, answers, strict=False):
        actions.referendum_vote(referendum=referendum, user=voter, answer=answer)
    paper_clerk = bf.clerk("referenda.enter_paper_vote")
    for voter in voters[len(answers) : len(answers) + paper_invalid]:
        outcome = actions.referendum_paper_vote(
            referendum=referendum, pesel=voter.pesel, answer="", acting_user=paper_clerk
        )
        assert outcome.accepted
    return actions.referendum_close(referendum=referendum, acting_user=bf.clerk(MANAGE))


def _url(referendum: Referendum, name: str = "referenda:protocol_review") -> str:
    return reverse(name, kwargs={"public_id": referendum.public_id})


def _state(referendum: Referendum) -> tuple[Any, Any, int]:
    fresh = Referendum.objects.get(pk=referendum.pk)
    return fresh.protocol_approved_at, fresh.protocol_approved_by_id, fresh.history.count()


def _council_member() -> Any:
    member = bf.resident(district_number=1)
    role_grant(user=member, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=1)
    return member


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


DENIED = {
    "resident": lambda: bf.resident(district_number=1),
    "other_resident": lambda: bf.resident(district_number=2),
    "council_member": _council_member,
    "clerk_without_permission": lambda: bf.clerk(),
    "clerk_who_manages_referenda": lambda: bf.clerk(MANAGE, "referenda.enter_paper_vote"),
}


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(
    client, django_capture_on_commit_callbacks
):
    referendum = _closed()
    before = _state(referendum)
    for url in (_url(referendum), _url(referendum, "referenda:protocol_draft")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_url(referendum), {"confirm": "on"})
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert _state(referendum) == before
    assert queued == []


@pytest.mark.parametrize("who", sorted(DENIED))
def test_users_without_the_permission_get_403_and_nothing_changes(
    client, who, django_capture_on_commit_callbacks
):
    # given a closed referendum whose protocol awaits approval
    referendum = _closed()
    before = _state(referendum)
    client.force_login(DENIED[who]())
    # when they open the page, the draft PDF, the queue, or post an approval
    assert client.get(_url(referendum)).status_code == 403
    assert client.get(_url(referendum, "referenda:protocol_draft")).status_code == 403
    assert client.get(reverse("referenda:protocol_queue")).status_code == 403
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_url(referendum), {"confirm": "on"})
    # then they are refused, nothing changed, nothing was queued, nothing leaked
    assert response.status_code == 403
    assert "tężnię" not in response.content.decode()
    assert _state(referendum) == before
    assert queued == []


def test_clerk_sees_the_protocol_and_approves_it(client):
    # given a closed referendum: 2 yes, 1 no online, 1 spoilt paper ballot, 10 eligible
    referendum = _closed(yes=2, no=1, paper_invalid=1)
    clerk = bf.clerk(APPROVE)
    client.force_login(clerk)
    # when the clerk opens the page
    response = client.get(_url(referendum))
    # then it shows the protocol's contents, the draft PDF and the form
    assert response.status_code == 200
    page = response.content.decode()
    tally = response.context["tally"]
    assert (tally.eligible, tally.online, tally.paper, tally.voted) == (10, 3, 1, 4)
    assert (tally.valid_ballots, tally.invalid, tally.yes, tally.no) == (3, 1, 2, 1)
    assert str(tally.turnout_percent) == "40.00"
    assert tally.is_valid
    for text in (
        "Czy zbudować tężnię solankową?",
        str(referendum.district),
        "Karty oddane przez internet",
        "Karty papierowe",
        "Karty ważne",
        "Karty nieważne",
        "Próg ważności osiągnięty",
        "40,00%",
        "Rozstrzygnięcie: TAK",
        "PROJEKT",
        _url(referendum, "referenda:protocol_draft"),
        'name="confirm"',
    ):
        assert text in page, text
    # when they tick the confirmation and approve
    response = client.post(_url(referendum), {"confirm": "on"})
    # then the protocol is approved by them, recorded in history, and the page says so
    assert response.status_code == 302
    approved = Referendum.objects.get(pk=referendum.pk)
    assert approved.protocol_approved_by == clerk
    assert approved.protocol_approved_at is not None
    assert approved.history.first().history_user == clerk
    page = client.get(_url(referendum)).content.decode()
    assert "Protokół został zatwierdzony" in page
    assert "Protokół zatwierdził(a)" in page
    assert str(clerk) in page
    assert reverse("referenda:protocol", kwargs={"public_id": referendum.public_id}) in page
    assert 'name="confirm"' not in page
    assert _url(referendum, "referenda:protocol_draft") not in page


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("", "Zaznacz potwierdzenie, aby zatwierdzić protokół."), ("/en", "Tick the confirmation")],
)
def test_unticked_confirmation_is_a_translated_error_and_nothing_changes(client, prefix, message):
    referendum = _closed()
    before = _state(referendum)
    client.force_login(bf.clerk(APPROVE))
    response = client.post(prefix + _url(referendum).removeprefix("/en"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    assert 'aria-invalid="true"' in page
    assert _state(referendum) == before


def test_open_referendum_page_explains_approval_comes_after_closing(client):
    # given an open referendum with one vote cast
    voter = bf.resident(district_number=1)
    referendum = rf.referendum()
    actions.referendum_vote(referendum=referendum, user=voter, answer="no")
    before = _state(referendum)
    client.force_login(bf.clerk(APPROVE))
    # when the clerk opens the page
    response = client.get(_url(referendum))
    # then it explains, shows no form and no interim counts, and offers no draft
    assert response.status_code == 200
    page = response.content.decode()
    assert "dopiero po zamknięciu głosowania" in page
    assert 'name="confirm"' not in page
    assert response.context["tally"] is None
    assert client.get(_url(referendum, "referenda:protocol_draft")).status_code == 404
    # and a forged approval changes nothing, with a clear message
    response = client.post(_url(referendum), {"confirm": "on"}, follow=True)
    assert "Protokół zatwierdza się po zamknięciu głosowania." in response.content.decode()
    assert _state(referendum) == before


def test_draft_referendum_page_has_no_form(client):
    referendum = rf.referendum(opened=False)
    client.force_login(bf.clerk(APPROVE))
    response = client.get(_url(referendum))
    assert response.status_code == 200
    assert 'name="confirm"' not in response.content.decode()


def test_approving_twice_is_refused_with_a_message_and_nothing_changes(client):
    referendum = _closed()
    first = bf.clerk(APPROVE)
    actions.referendum_protocol_approve(referendum=referendum, acting_user=first)
    before = _state(referendum)
    client.force_login(bf.clerk(APPROVE))
    response = client.post(_url(referendum), {"confirm": "on"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Protokół jest już zatwierdzony." in page
    assert str(first) in page
    assert _state(referendum) == before


def test_approval_that_loses_a_race_is_a_message_and_nothing_changes(client, monkeypatch):
    # given the page was loaded, then another clerk approved before this POST was handled
    referendum = _closed()
    other = bf.clerk(APPROVE)
    real = selectors.referendum_for_clerk

    def stale(*, public_id: str) -> Referendum | None:
        found = real(public_id=public_id)
        actions.referendum_protocol_approve(referendum=referendum, acting_user=other)
        return found

    monkeypatch.setattr(selectors, "referendum_for_clerk", stale)
    client.force_login(bf.clerk(APPROVE))
    response = client.post(_url(referendum), {"confirm": "on"})
    # then the action's check under the row lock refuses it, and the first approval stands
    assert response.status_code == 302
    assert Referendum.objects.get(pk=referendum.pk).protocol_approved_by == other


@pytest.mark.parametrize("public_id", [str(uuid.uuid4()), "nie-uuid", "1' OR '1'='1"])
def test_unknown_or_malformed_id_is_404(client, public_id):
    client.force_login(bf.clerk(APPROVE))
    for name in ("referenda:protocol_review", "referenda:protocol_draft"):
        url = reverse(name, kwargs={"public_id": public_id})
        assert client.get(url).status_code == 404
    url = reverse("referenda:protocol_review", kwargs={"public_id": public_id})
    assert client.post(url, {"confirm": "on"}).status_code == 404


def test_draft_pdf_is_marked_and_for_clerks_only_until_approval(client):
    referendum = _closed(yes=1, no=2)
    draft_url = _url(referendum, "referenda:protocol_draft")
    final_url = reverse("referenda:protocol", kwargs={"public_id": referendum.public_id})
    # the public protocol does not exist yet
    assert client.get(final_url).status_code == 404
    client.force_login(bf.clerk(APPROVE))
    response = client.get(draft_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    assert "PROJEKT" in text
    assert "Czy zbudować tężnię solankową?" in text
    assert "Rozstrzygnięcie: NIE" in text
    assert "zatwierdził" not in text
    # once approved: the draft URL leads to the public protocol, which is not marked
    actions.referendum_protocol_approve(referendum=referendum, acting_user=bf.clerk(APPROVE))
    response = client.get(draft_url)
    assert response.status_code == 302
    assert response["Location"].endswith(final_url)
    client.logout()
    response = client.get(final_url)
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "PROJEKT" not in text
    assert "Protokół zatwierdził(a)" in text
    assert "Karty papierowe" in text


def test_protocol_page_and_queue_queries_are_bounded(client, django_assert_max_num_queries):
    referendum = _closed()
    for _ in range(3):
        _closed()
    approved = _closed()
    actions.referendum_protocol_approve(referendum=approved, acting_user=bf.clerk(APPROVE))
    client.force_login(bf.clerk(APPROVE))
    client.get(reverse("referenda:index"))  # the first request also creates the user session
    # 7 per request in the middleware (session, user, the user-session bookkeeping), the
    # permissions (2), then the referendum (+district, approver), the tally (one aggregate) and
    # the history (+its users): the same whatever the number of referenda, ballots and changes
    with django_assert_max_num_queries(12):
        assert client.get(_url(referendum)).status_code == 200
    # the middleware's 7, the permissions (2), awaiting and approved (with district, approver)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("referenda:protocol_queue"))
    assert response.status_code == 200
    assert len(response.context["awaiting"]) == 4
    assert [r.pk for r in response.context["approved"]] == [approved.pk]


def test_clerk_finds_the_page_from_the_index_the_results_page_and_the_admin(client, monkeypatch):
    monkeypatch.setattr("accounts.admin_site.session_is_mfa_authenticated", lambda request: True)
    referendum = _closed()
    review = _url(referendum)
    queue = reverse("referenda:protocol_queue")
    # residents see no clerk links
    client.force_login(bf.resident())
    assert queue not in client.get(reverse("referenda:index")).content.decode()
    assert (
        review
        not in client.get(reverse("referenda:detail", args=[referendum.public_id])).content.decode()
    )
    # the clerk: index → queue → page, the results page, and the admin's list and change page
    clerk = bf.clerk(APPROVE, "referenda.view_referendum")
    client.force_login(clerk)
    assert queue in client.get(reverse("referenda:index")).content.decode()
    assert review in client.get(queue).content.decode()
    detail = client.get(reverse("referenda:detail", args=[referendum.public_id]))
    assert review in detail.content.decode()
    changelist = client.get(reverse("admin:referenda_referendum_changelist"))
    assert changelist.status_code == 200
    assert review in changelist.content.decode()
    change = client.get(reverse("admin:referenda_referendum_change", args=[referendum.pk]))
    assert change.status_code == 200
    assert review in change.content.decode()


def test_a_clerk_without_a_name_cannot_approve_and_is_told_why(client):
    # given a clerk whose account has an e-mail address but no name
    referendum = _closed()
    clerk = bf.clerk(APPROVE)
    type(clerk).objects.filter(pk=clerk.pk).update(first_name="", last_name="")
    before = _state(referendum)
    client.force_login(clerk)
    # when they approve the protocol
    response = client.post(_url(referendum), {"confirm": "on"}, follow=True)
    # then the published protocol could not name them: refused with the reason, nothing changes
    assert response.status_code == 200
    assert "uzupełnij je w swoim profilu" in response.content.decode()
    assert _state(referendum) == before


def test_the_public_protocol_names_the_approving_clerk_never_their_e_mail(client):
    referendum = _closed()
    clerk = bf.clerk(APPROVE)
    actions.referendum_protocol_approve(referendum=referendum, acting_user=clerk)
    response = client.get(reverse("referenda:protocol", args=[referendum.public_id]))
    text = _pdf_text(response.content)
    assert clerk.last_name in text
    assert clerk.email not in text
