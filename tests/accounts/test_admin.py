"""The admin goes through allauth and needs MFA; clerks verify residents there."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Lower, Upper
from django.test import Client

from accounts.actions import pesel_lookup, profile_update, role_grant
from accounts.models import PeselLookup, Role, RoleAssignment, User
from tests.accounts.factories import UserFactory, make_pesel
from tests.accounts.helpers import enable_totp, mfa_login, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    secret = enable_totp(clerk)
    response = mfa_login(client, clerk, secret)
    assert response.status_code == 302
    return client


def test_anonymous_admin_login_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/konto/login/?next=")
    assert client.get("/admin/login/")["Location"].startswith("/konto/login/")


def test_staff_without_mfa_is_refused(client, clerk):
    password_login(client, clerk)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "/konto/2fa/" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_with_mfa_but_password_only_session_is_refused(client, clerk):
    enable_totp(clerk)
    client.force_login(clerk)
    assert client.get("/admin/", follow=True).status_code == 403


def test_resident_is_refused(client, user):
    password_login(client, user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_staff_with_mfa_session_uses_admin(clerk_client):
    assert clerk_client.get("/admin/").status_code == 200
    assert clerk_client.get("/admin/login/")["Location"] == "/admin/"


def test_changelist_never_searches_pesel_through_the_url(clerk_client, user):
    pesel = make_pesel(date(1980, 7, 8))
    profile_update(user=user, acting_user=user, pesel=pesel)
    response = clerk_client.get("/admin/accounts/user/", {"q": pesel})
    body = response.content.decode()
    assert response.status_code == 200
    assert user.email not in body
    assert "Szukaj po numerze PESEL" in body  # the warning points to the POST form
    assert not PeselLookup.objects.exists()


def test_changelist_searches_exact_email_case_insensitively(clerk_client, user):
    other = UserFactory()
    found = clerk_client.get("/admin/accounts/user/", {"q": user.email.upper()}).content.decode()
    assert user.email in found
    assert other.email not in found
    partial = clerk_client.get("/admin/accounts/user/", {"q": user.email[:8]}).content.decode()
    assert user.email not in partial


def test_changelist_searches_whole_names(clerk_client, user):
    zielinska = UserFactory(first_name="Maria", last_name="Zielińska")
    by_last = clerk_client.get("/admin/accounts/user/", {"q": "zielińska"}).content.decode()
    assert zielinska.email in by_last
    assert user.email not in by_last
    both = clerk_client.get("/admin/accounts/user/", {"q": "Maria Zielińska"}).content.decode()
    assert zielinska.email in both
    wrong = clerk_client.get("/admin/accounts/user/", {"q": "Anna Zielińska"}).content.decode()
    assert zielinska.email not in wrong


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (lambda qs: qs.filter(email_ci=Lower(Value("A@B.PL"))), "accounts_user_email_ci_unique"),
        (lambda qs: qs.filter(last_ci=Upper(Value("Nowak"))), "accounts_user_last_name_ci"),
        (lambda qs: qs.filter(first_ci=Upper(Value("Anna"))), "accounts_user_first_name_ci"),
    ],
)
def test_admin_search_lookups_can_use_an_index(query, index):
    qs = User.objects.alias(
        email_ci=Lower("email"), first_ci=Upper("first_name"), last_ci=Upper("last_name")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query(qs).explain()
    assert index in plan


def test_pesel_search_is_a_post_and_is_logged(clerk_client, clerk, user):
    pesel = make_pesel(date(1980, 7, 8))
    profile_update(user=user, acting_user=user, pesel=pesel)
    form = clerk_client.get("/admin/accounts/user/szukaj-pesel/")
    assert form.status_code == 200
    assert 'method="post"' in form.content.decode()
    response = clerk_client.post(
        "/admin/accounts/user/szukaj-pesel/", {"pesel": pesel, "purpose": "sprawa WSM-1/2026"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/admin/accounts/user/{user.pk}/change/" in body
    assert pesel not in body  # shown masked, and the form is not refilled
    assert f"•••••••{pesel[-4:]}" in body
    assert "no-store" in response["Cache-Control"]
    lookup = PeselLookup.objects.get()
    assert (lookup.clerk, lookup.found, lookup.purpose) == (clerk, user, "sprawa WSM-1/2026")


def test_pesel_search_without_a_match_is_logged_too(clerk_client, clerk):
    response = clerk_client.post(
        "/admin/accounts/user/szukaj-pesel/",
        {"pesel": make_pesel(date(1990, 1, 1)), "purpose": "wniosek 7"},
    )
    assert "Nie znaleziono" in response.content.decode()
    assert PeselLookup.objects.get().found is None


def test_pesel_search_via_get_parameters_does_nothing(clerk_client, user):
    pesel = make_pesel(date(1980, 7, 8))
    profile_update(user=user, acting_user=user, pesel=pesel)
    body = clerk_client.get(
        "/admin/accounts/user/szukaj-pesel/", {"pesel": pesel, "purpose": "x"}
    ).content.decode()
    assert user.email not in body
    assert not PeselLookup.objects.exists()


_VALID = make_pesel(date(1980, 7, 8))
_BAD_CHECKSUM = _VALID[:10] + str((int(_VALID[10]) + 1) % 10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pesel": _BAD_CHECKSUM, "purpose": "x"}, "cyfra kontrolna"),
        ({"pesel": "123", "purpose": "x"}, "11 cyfr"),
        ({"pesel": make_pesel(date(1980, 7, 8)), "purpose": ""}, "To pole jest wymagane"),
    ],
)
def test_bad_pesel_search_is_a_field_error_and_not_logged(clerk_client, data, message):
    response = clerk_client.post("/admin/accounts/user/szukaj-pesel/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PeselLookup.objects.exists()


@pytest.mark.parametrize("who", ["staff_user", "council_member"])
def test_pesel_search_needs_the_view_user_permission(request, who, user):
    actor = request.getfixturevalue(who)
    actor.is_staff = True
    actor.save()
    client = Client()
    mfa_login(client, actor, enable_totp(actor))
    response = client.post(
        "/admin/accounts/user/szukaj-pesel/",
        {"pesel": make_pesel(date(1980, 7, 8)), "purpose": "x"},
    )
    assert response.status_code == 403
    assert not PeselLookup.objects.exists()


def test_pesel_search_refuses_anonymous_residents_and_staff_without_mfa(client, user, clerk):
    data = {"pesel": make_pesel(date(1980, 7, 8)), "purpose": "x"}
    assert client.post("/admin/accounts/user/szukaj-pesel/", data).status_code == 302
    password_login(client, user)
    assert client.post("/admin/accounts/user/szukaj-pesel/", data).status_code == 302
    staff = Client()
    password_login(staff, clerk)  # staff, but the session has no second factor
    assert staff.post("/admin/accounts/user/szukaj-pesel/", data).status_code == 302
    assert not PeselLookup.objects.exists()


def test_pesel_lookup_log_is_read_only_for_administrators(user):
    admin_user = UserFactory()
    role_grant(user=admin_user, role=Role.ADMINISTRATOR, acting_user=None)
    client = Client()
    mfa_login(client, admin_user, enable_totp(admin_user))
    pesel_lookup(pesel=make_pesel(date(1970, 1, 1)), purpose="audyt", acting_user=admin_user)
    lookup = PeselLookup.objects.get()
    assert client.get("/admin/accounts/pesellookup/").status_code == 200
    client.post(f"/admin/accounts/pesellookup/{lookup.pk}/delete/", {"post": "yes"})
    assert PeselLookup.objects.filter(pk=lookup.pk).exists()


def test_administrator_grants_and_revokes_a_role_in_the_admin(user, district):
    admin_user = UserFactory()
    role_grant(user=admin_user, role=Role.ADMINISTRATOR, acting_user=None)
    client = Client()
    mfa_login(client, admin_user, enable_totp(admin_user))
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": user.pk, "role": "council_member", "district": district.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.granted_by == admin_user
    assert user.groups.filter(name="council_member").exists()
    client.post(f"/admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not user.groups.filter(name="council_member").exists()


def test_clerk_cannot_grant_roles(clerk_client, user):
    response = clerk_client.post(
        "/admin/accounts/roleassignment/add/", {"user": user.pk, "role": "administrator"}
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_clerk_verifies_in_person_with_document_type(clerk_client, clerk, user, district):
    profile_update(user=user, acting_user=user, district=district)
    response = clerk_client.post(
        "/admin/accounts/user/",
        {"action": "verify_residence_card", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.resident_verified_by == clerk
    assert user.resident_verification_document == "residence_card"
    assert user.history.first().history_user == clerk


def test_verification_without_district_is_reported_not_saved(clerk_client, user):
    response = clerk_client.post(
        "/admin/accounts/user/",
        {"action": "verify_id_card", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "dzielnic" in response.content.decode()
    assert User.objects.get(pk=user.pk).resident_verified_at is None


def test_user_history_page_opens(clerk_client, user):
    assert clerk_client.get(f"/admin/accounts/user/{user.pk}/history/").status_code == 200


@pytest.mark.parametrize("who", ["staff_user", "council_member"])
def test_staff_with_mfa_but_without_permission_cannot_verify(request, who, user, district):
    actor = request.getfixturevalue(who)
    actor.is_staff = True
    actor.save()
    client = Client()
    mfa_login(client, actor, enable_totp(actor))
    profile_update(user=user, acting_user=user, district=district)
    assert client.get("/admin/accounts/user/").status_code == 403
    response = client.post(
        "/admin/accounts/user/", {"action": "verify_id_card", "_selected_action": [user.pk]}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).resident_verified_at is None
