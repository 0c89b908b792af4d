"""Account pages: who may open what, and bad input changes nothing."""

import json
from datetime import date

import pytest

from accounts.actions import api_token_create, assisted_resident_register, profile_update
from accounts.models import ApiToken, AssistedAct, NotificationPreference, TrainingSignup, User
from tests.accounts.factories import TrainingSessionFactory, UserFactory, make_pesel
from tests.accounts.helpers import reauthenticate

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    "/moje-konto/",
    "/moje-konto/profil/",
    "/moje-konto/powiadomienia/",
    "/moje-konto/tokeny-api/",
    "/moje-konto/moje-dane.json",
    "/moje-konto/szkolenia/",
]
REAUTH_PAGES = ["/moje-konto/profil/pesel/", "/moje-konto/usun-konto/"]
ASSISTANT_PAGES = ["/moje-konto/asystent/nowy-mieszkaniec/"]


@pytest.mark.parametrize("path", OWN_PAGES + REAUTH_PAGES + ASSISTANT_PAGES)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize("path", OWN_PAGES)
def test_resident_opens_own_pages(client, user, path):
    client.force_login(user)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", REAUTH_PAGES)
def test_sensitive_pages_ask_to_reauthenticate(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/reauthenticate/")


def test_after_reauthentication_pesel_can_be_changed(client, user):
    reauthenticate(client, user)
    pesel = make_pesel(date(1999, 12, 31), female=True)
    response = client.post("/moje-konto/profil/pesel/", {"pesel": pesel})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.pesel == pesel
    assert user.sex == "F"


def test_pesel_post_without_recent_reauthentication_changes_nothing(client, user):
    client.force_login(user)
    response = client.post("/moje-konto/profil/pesel/", {"pesel": make_pesel(date(1990, 1, 1))})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).pesel is None


def test_duplicate_pesel_shows_field_error(client, user, other_user):
    pesel = make_pesel(date(1960, 2, 29))
    profile_update(user=other_user, acting_user=other_user, pesel=pesel)
    reauthenticate(client, user)
    response = client.post("/moje-konto/profil/pesel/", {"pesel": pesel})
    assert response.status_code == 400
    body = response.content.decode()
    assert "innego konta" in body
    assert 'aria-invalid="true"' in body
    assert User.objects.get(pk=user.pk).pesel is None


def test_profile_bad_postal_code_is_shown_at_field_and_nothing_saved(client, user):
    client.force_login(user)
    response = client.post(
        "/moje-konto/profil/",
        {"first_name": "Nowe", "postal_code": "02-123", "preferred_language": "pl"},
    )
    assert response.status_code == 400
    assert "30-xxx" in response.content.decode()
    assert User.objects.get(pk=user.pk).first_name == "Anna"


def test_profile_saves(client, user, district):
    client.force_login(user)
    response = client.post(
        "/moje-konto/profil/",
        {
            "first_name": "Ewa",
            "last_name": "Nowak",
            "street_address": "ul. Floriańska 1",
            "postal_code": "31-019",
            "district": district.pk,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.district, user.preferred_language) == ("Ewa", district, "en")


def test_notifications_page_saves_and_rejects_unknown_choices(client, user, district):
    client.force_login(user)
    bad = client.post("/moje-konto/powiadomienia/", {"topics": ["x"], "digest_frequency": "daily"})
    assert bad.status_code == 400
    assert not NotificationPreference.objects.exists()
    ok = client.post(
        "/moje-konto/powiadomienia/",
        {"topics": ["budget"], "districts": [district.pk], "digest_frequency": "daily"},
    )
    assert ok.status_code == 302
    assert NotificationPreference.objects.get(user=user).topics == ["budget"]


def test_token_secret_shown_once(client, user):
    client.force_login(user)
    response = client.post("/moje-konto/tokeny-api/", {"name": "skrypt"})
    token = ApiToken.objects.get(user=user)
    body = response.content.decode()
    assert "kp_" in body
    assert token.hint in body
    assert response["Cache-Control"] == "no-store"
    again = client.get("/moje-konto/tokeny-api/").content.decode()
    secret = body.split("<code>kp_", 1)[1].split("</code>", 1)[0]
    assert secret not in again


def test_other_resident_cannot_revoke_or_see_my_tokens(client, user, other_user):
    token, _secret = api_token_create(user=user, name="tajny-token-A", acting_user=user)
    client.force_login(other_user)
    assert client.post(f"/moje-konto/tokeny-api/{token.pk}/uniewaznij/").status_code == 404
    assert "tajny-token-A" not in client.get("/moje-konto/tokeny-api/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(user)
    assert client.post(f"/moje-konto/tokeny-api/{token.pk}/uniewaznij/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_is_post_only(client, user):
    token, _secret = api_token_create(user=user, name="x", acting_user=user)
    client.force_login(user)
    assert client.get(f"/moje-konto/tokeny-api/{token.pk}/uniewaznij/").status_code == 405


def test_export_holds_only_own_data(client, user, other_user):
    profile_update(user=other_user, acting_user=other_user, pesel=make_pesel(date(1977, 7, 7)))
    client.force_login(user)
    response = client.get("/moje-konto/moje-dane.json")
    data = json.loads(response.content)
    assert data["accounts"]["email"] == user.email
    assert other_user.email not in response.content.decode()
    assert other_user.pesel not in response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")


def test_delete_needs_confirmation_and_reauth(client, user):
    reauthenticate(client, user)
    refused = client.post("/moje-konto/usun-konto/", {})
    assert refused.status_code == 400
    assert User.objects.get(pk=user.pk).is_active
    done = client.post("/moje-konto/usun-konto/", {"confirm": "on"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert user.email is None
    assert client.get("/moje-konto/").status_code == 302  # logged out


def test_delete_with_password_only_session_changes_nothing(client, user):
    client.force_login(user)
    client.post("/moje-konto/usun-konto/", {"confirm": "on"})
    assert User.objects.get(pk=user.pk).is_active


def test_dashboard_shows_panels_and_hides_other_users_data(client, user, other_user):
    profile_update(user=other_user, acting_user=other_user, first_name="Zbigniew")
    client.force_login(user)
    body = client.get("/moje-konto/").content.decode()
    assert 'id="panel-profile"' in body
    assert 'id="panel-verification"' in body
    assert 'id="panel-notifications"' in body
    assert "Zbigniew" not in body


def test_dashboard_query_count_is_bounded(client, user, django_assert_max_num_queries):
    from accounts.registry import dashboard_panels

    client.force_login(user)
    # Session, user and session tracking (~8 on a first request), then at most two per panel:
    # other apps' panels count against the same budget.
    with django_assert_max_num_queries(8 + 2 * len(dashboard_panels())):
        client.get("/moje-konto/")


def test_training_list_query_count_is_bounded(client, user, django_assert_max_num_queries):
    for _ in range(15):
        TrainingSessionFactory()
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get("/moje-konto/szkolenia/")
    assert response.content.decode().count("Zapisz się:") == 15


def test_training_signup_page(client, user):
    session = TrainingSessionFactory(seats=1)
    client.force_login(user)
    client.post(f"/moje-konto/szkolenia/{session.pk}/zapisz/")
    assert TrainingSignup.objects.filter(user=user, session=session).exists()
    other = UserFactory()
    client.force_login(other)
    response = client.post(f"/moje-konto/szkolenia/{session.pk}/zapisz/", follow=True)
    assert "Brak wolnych miejsc" in response.content.decode()
    assert not TrainingSignup.objects.filter(user=other).exists()


# --- assisted channel: matrix ----------------------------------------------------------------


def _assisted_resident(assistant):
    resident, _code = assisted_resident_register(
        assistant=assistant, first_name="Józef", last_name="Nowak", paper_consent=True
    )
    return resident


@pytest.mark.parametrize("who", ["user", "staff_user", "clerk", "council_member"])
def test_non_assistants_cannot_use_assisted_pages(request, client, assistant, who):
    resident = _assisted_resident(assistant)
    actor = request.getfixturevalue(who)
    acts = AssistedAct.objects.count()
    users = User.objects.count()
    client.force_login(actor)
    assert client.get("/moje-konto/asystent/nowy-mieszkaniec/").status_code == 403
    post = client.post(
        "/moje-konto/asystent/nowy-mieszkaniec/",
        {"first_name": "A", "last_name": "B", "paper_consent": "on"},
    )
    assert post.status_code == 403
    page = f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/"
    assert client.get(page).status_code == 403
    assert client.post(page + "list/").status_code == 403
    assert (AssistedAct.objects.count(), User.objects.count()) == (acts, users)


def test_assistant_registers_and_prints_letter(client, assistant, district):
    client.force_login(assistant)
    bad = client.post(
        "/moje-konto/asystent/nowy-mieszkaniec/",
        {"first_name": "Józef", "last_name": "Nowak", "postal_code": "31-100"},
    )
    assert bad.status_code == 400
    assert "zgody" in bad.content.decode()
    response = client.post(
        "/moje-konto/asystent/nowy-mieszkaniec/",
        {
            "first_name": "Józef",
            "last_name": "Nowak",
            "postal_code": "31-100",
            "district": district.pk,
            "paper_consent": "on",
        },
    )
    resident = User.objects.get(last_name="Nowak", email__isnull=True)
    assert response["Location"] == f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/"
    assert client.get(response["Location"]).status_code == 200
    pdf = client.post(response["Location"] + "list/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_assistant_cannot_open_an_ordinary_account(client, assistant, user):
    client.force_login(assistant)
    assert client.get(f"/moje-konto/asystent/mieszkaniec/{user.public_id}/").status_code == 404


def test_claim_page_activates_account_and_sends_confirmation(client, assistant, mailoutbox):
    resident, code = assisted_resident_register(
        assistant=assistant, first_name="Józef", last_name="Nowak", paper_consent=True
    )
    bad = client.post(
        "/moje-konto/aktywuj/",
        {"code": "XXXX-XXXX-XXXX", "email": "j@example.org", "password": "Bardzo-dlugie-77"},
    )
    assert bad.status_code == 400
    ok = client.post(
        "/moje-konto/aktywuj/",
        {
            "code": code,
            "email": "j@example.org",
            "password": "Bardzo-dlugie-haslo-77",
            "accept_terms": "on",
        },
    )
    assert ok.status_code == 302
    assert User.objects.get(pk=resident.pk).email == "j@example.org"
    assert len(mailoutbox) == 1


def test_log_out_elsewhere_ends_the_other_sessions_only(user, other_user):
    from allauth.usersessions.models import UserSession
    from django.test import Client

    here, elsewhere, stranger = Client(), Client(), Client()
    for client, who in ((here, user), (elsewhere, user), (stranger, other_user)):
        client.force_login(who)
        assert client.get("/moje-konto/").status_code == 200  # the session is tracked
    assert UserSession.objects.filter(user=user).count() == 2
    here.post("/konto/sessions/")
    assert elsewhere.get("/moje-konto/").status_code == 302
    assert here.get("/moje-konto/").status_code == 200
    assert stranger.get("/moje-konto/").status_code == 200


def test_logout_is_post_only(client, user):
    client.force_login(user)
    client.get("/konto/logout/")
    assert client.get("/moje-konto/").status_code == 200
    client.post("/konto/logout/")
    assert client.get("/moje-konto/").status_code == 302


# --- assisted correction of a resident's details ---------------------------------------------


@pytest.mark.parametrize("who", ["user", "staff_user", "clerk", "council_member"])
def test_non_assistants_cannot_correct_a_resident(request, client, assistant, who):
    resident = _assisted_resident(assistant)
    client.force_login(request.getfixturevalue(who))
    page = f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/dane/"
    acts = AssistedAct.objects.count()
    assert client.get(page).status_code == 403
    assert client.post(page, {"first_name": "X", "last_name": "Y"}).status_code == 403
    assert User.objects.get(pk=resident.pk).last_name == "Nowak"
    assert AssistedAct.objects.count() == acts


def test_anonymous_cannot_correct_a_resident(client, assistant):
    resident = _assisted_resident(assistant)
    page = f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/dane/"
    assert client.post(page, {"first_name": "X", "last_name": "Y"}).status_code == 302
    assert User.objects.get(pk=resident.pk).last_name == "Nowak"


def test_assistant_corrects_a_resident_and_the_act_is_listed(client, assistant, district):
    resident = _assisted_resident(assistant)
    client.force_login(assistant)
    page = f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/dane/"
    assert client.get(page).status_code == 200
    bad = client.post(page, {"first_name": "Józef", "last_name": "Nowak", "postal_code": "1"})
    assert bad.status_code == 400
    assert "30-xxx" in bad.content.decode()
    ok = client.post(
        page,
        {
            "first_name": "Józef",
            "last_name": "Nowak",
            "postal_code": "31-100",
            "district": district.pk,
        },
    )
    assert ok.status_code == 302
    resident.refresh_from_db()
    assert (resident.postal_code, resident.district) == ("31-100", district)
    act = AssistedAct.objects.get(resident=resident, kind="profile_update")
    assert act.assistant == assistant
    listing = client.get(f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/").content
    assert "poprawienie danych" in listing.decode()


def test_assistant_cannot_correct_an_ordinary_account(client, assistant, user):
    client.force_login(assistant)
    page = f"/moje-konto/asystent/mieszkaniec/{user.public_id}/dane/"
    assert client.post(page, {"first_name": "X", "last_name": "Y"}).status_code == 404
    assert User.objects.get(pk=user.pk).first_name == "Anna"
