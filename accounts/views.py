"""Pages of the citizen account at /moje-konto/: parse, check, call one action, render."""

import json
from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import actions, selectors
from accounts.forms import (
    AssistedProfileForm,
    AssistedRegisterForm,
    AssistedTrainingForm,
    ClaimForm,
    DeleteAccountForm,
    NotificationForm,
    PeselForm,
    ProfileForm,
    TokenForm,
    apply_action_errors,
)
from accounts.models import (
    CURRENT_CONSENT_VERSIONS,
    ApiToken,
    AssistedAct,
    TrainingSession,
    User,
)
from accounts.permissions import is_assistant
from accounts.registry import dashboard_panels
from accounts.verification import verification_level
from config.pdf import render_pdf


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — login_required ran first
    return user


def _reauth_on_get(request: HttpRequest) -> bool:
    return request.method == "GET"


def _reauth_expired(request: HttpRequest) -> bool:
    """A POST after the re-authentication window: start again from the page (its GET asks to
    re-authenticate) instead of letting allauth stash a body that holds personal data."""
    return is_reauthentication_required(request, app="")


@require_http_methods(["GET"])
def terms(request: HttpRequest) -> HttpResponse:
    """The portal terms and the privacy notice (GDPR art. 13), in the versions accepted now."""
    return render(request, "accounts/terms.html", {"versions": CURRENT_CONSENT_VERSIONS})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The "My city" dashboard: every registered panel that has something for this user."""
    user = _user(request)
    panels = []
    for panel in dashboard_panels():
        context = panel.context(user)
        if context is not None:
            panels.append({"panel": panel, "context": context})
    return render(
        request,
        "accounts/index.html",
        {"panels": panels, "level": verification_level(user), "is_assistant": is_assistant(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "street_address": user.street_address,
        "postal_code": user.postal_code,
        "district": user.district,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.profile_update(user=user, acting_user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Zapisano profil."))
            return redirect("accounts:profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
@reauthentication_required(enabled=_reauth_on_get)
@require_http_methods(["GET", "POST"])
def pesel(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST" and _reauth_expired(request):
        messages.warning(request, _("Potwierdź ponownie swoją tożsamość."))
        return redirect("accounts:pesel")
    form = PeselForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.profile_update(user=user, acting_user=user, pesel=form.cleaned_data["pesel"])
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Zapisano numer PESEL."))
            return redirect("accounts:profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/pesel.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pref = selectors.notification_preferences(user=user)
    initial: dict[str, Any] = {"digest_frequency": "weekly"}
    if pref is not None:
        initial = {
            "topics": pref.topics,
            "districts": list(pref.districts.all()),
            "digest_frequency": pref.digest_frequency,
        }
    form = NotificationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.notification_preferences_update(
                user=user,
                topics=form.cleaned_data["topics"],
                district_ids=[district.pk for district in form.cleaned_data["districts"]],
                digest_frequency=form.cleaned_data["digest_frequency"],
                acting_user=user,
            )
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Zapisano preferencje powiadomień."))
            return redirect("accounts:notifications")
    status = 400 if form.errors else 200
    return render(request, "accounts/notifications.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = actions.api_token_create(
                user=user, name=form.cleaned_data["name"], acting_user=user
            )
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            form = TokenForm()
    status = 400 if form.errors else 200
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.user_api_tokens(user=user), "secret": secret},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=_user(request))
    actions.api_token_revoke(token=token, acting_user=_user(request))
    messages.success(request, _("Token unieważniony."))
    return redirect("accounts:tokens")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = selectors.personal_data_export(user=_user(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="moje-dane-krakow.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required(enabled=_reauth_on_get)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST" and _reauth_expired(request):
        messages.warning(request, _("Potwierdź ponownie swoją tożsamość."))
        return redirect("accounts:delete")
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.account_delete(user=user, acting_user=user)
        logout(request)
        messages.success(request, _("Konto zostało usunięte."))
        return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def trainings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/trainings.html",
        {
            "sessions": selectors.upcoming_trainings(),
            "mine": selectors.user_training_session_ids(user=user),
        },
    )


@login_required
@require_POST
def training_signup(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = get_object_or_404(TrainingSession, pk=pk)
    try:
        actions.training_signup(session=session, user=user, acting_user=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Zapisano na szkolenie. Potwierdzenie wysłaliśmy e-mailem."))
    return redirect("accounts:trainings")


# --- assisted channel ------------------------------------------------------------------------


def _assistant(request: HttpRequest) -> User:
    user = _user(request)
    if not is_assistant(user):
        raise PermissionDenied
    return user


def _assisted_resident(assistant: User, public_id: Any) -> User:
    """Only residents this assistant (or any assistant) registered or acted for are reachable."""
    resident = User.objects.filter(public_id=public_id, is_active=True).first()
    if resident is None or not AssistedAct.objects.filter(resident=resident).exists():
        raise Http404
    return resident


@login_required
@require_http_methods(["GET", "POST"])
def assisted_register(request: HttpRequest) -> HttpResponse:
    assistant = _assistant(request)
    form = AssistedRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            resident, _code = actions.assisted_resident_register(
                assistant=assistant, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Założono konto mieszkańca. Wydrukuj list aktywacyjny."))
            return redirect("accounts:assisted_resident", public_id=resident.public_id)
    status = 400 if form.errors else 200
    return render(request, "accounts/assisted_register.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assisted_resident(request: HttpRequest, public_id: Any) -> HttpResponse:
    assistant = _assistant(request)
    resident = _assisted_resident(assistant, public_id)
    form = AssistedTrainingForm(
        request.POST if request.method == "POST" else None, sessions=selectors.upcoming_trainings()
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.training_signup(
                session=form.cleaned_data["session"], user=resident, acting_user=assistant
            )
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Zapisano mieszkańca na szkolenie."))
            return redirect("accounts:assisted_resident", public_id=resident.public_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/assisted_resident.html",
        {
            "resident": resident,
            "form": form,
            "acts": selectors.assisted_acts_for(resident=resident)[:20],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assisted_resident_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An assistant corrects the resident's details at the office; the act is recorded."""
    assistant = _assistant(request)
    resident = _assisted_resident(assistant, public_id)
    initial = {
        "first_name": resident.first_name,
        "last_name": resident.last_name,
        "street_address": resident.street_address,
        "postal_code": resident.postal_code,
        "district": resident.district,
        "phone": resident.phone,
    }
    form = AssistedProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assisted_profile_update(
                assistant=assistant, resident=resident, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            messages.success(request, _("Zapisano dane mieszkańca."))
            return redirect("accounts:assisted_resident", public_id=resident.public_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/assisted_resident_edit.html",
        {"resident": resident, "form": form},
        status=status,
    )


@login_required
@require_POST
def assisted_letter(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A fresh one-time code on a printable letter; the code is never stored in clear."""
    assistant = _assistant(request)
    resident = _assisted_resident(assistant, public_id)
    if resident.email:
        raise Http404
    code = actions.activation_code_issue(user=resident, acting_user=assistant)
    pdf = render_pdf(
        "accounts/activation_letter.html",
        {"resident": resident, "code": code, "claim_url": request.build_absolute_uri("/")},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="list-aktywacyjny.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest) -> HttpResponse:
    """Claim an account created at the office, with the code from the activation letter."""
    from allauth.account.models import EmailAddress

    if request.user.is_authenticated:
        return redirect("accounts:index")
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.account_claim(**form.cleaned_data)
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            address = EmailAddress.objects.get(user=user, email=user.email)
            address.send_confirmation(request, signup=False)
            messages.success(
                request, _("Konto aktywowane. Potwierdź adres e-mail linkiem z wiadomości.")
            )
            return redirect("account_login")
    status = 400 if form.errors else 200
    return render(request, "accounts/claim.html", {"form": form}, status=status)
