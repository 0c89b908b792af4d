"""The admin behind allauth: staff sign in through the portal login and must use MFA.

A staff account without an authenticator, or whose session was not confirmed with one, gets a
page saying how to turn MFA on, never the admin.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def session_is_mfa_authenticated(request: HttpRequest) -> bool:
    from allauth.account.authentication import get_authentication_records
    from allauth.mfa.utils import is_mfa_enabled

    user = request.user
    if not user.is_authenticated or not is_mfa_enabled(user):
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class PortalAdminSite(admin.AdminSite):
    site_header = _("Portal miejski Krakowa — panel urzędu")
    site_title = _("Panel urzędu")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_is_mfa_authenticated(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(next_url or resolve_url("admin:index"))
            return render(
                request,
                "accounts/admin_mfa_required.html",
                {"is_staff": request.user.is_staff},
                status=403,
            )
        login_url = resolve_url("account_login")
        target = next_url or resolve_url("admin:index")
        from urllib.parse import urlencode

        return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: target})}")


class PortalAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PortalAdminSite"
