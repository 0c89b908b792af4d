"""Pages of district referenda: parse, check permission, call one action/selector."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.verification import VerificationLevel, has_level
from config.pdf import render_pdf
from consultations.referenda import actions, selectors
from consultations.referenda.forms import PaperVoteForm, VoteForm
from consultations.referenda.models import Referendum, ReferendumStatus


def _referendum(public_id: str) -> Referendum:
    try:
        return get_object_or_404(selectors.public_referenda(), public_id=public_id)
    except ValidationError as exc:
        raise Http404 from exc


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "referenda/index.html", {"referenda": list(selectors.public_referenda())}
    )


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    referendum = _referendum(public_id)
    user = request.user
    can_vote = (
        isinstance(user, User)
        and referendum.voting_open()
        and has_level(user, VerificationLevel.RESIDENT, district_id=referendum.district_id)
        and not selectors.has_voted(referendum=referendum, user=user)
    )
    form = VoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not isinstance(user, User):
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                actions.referendum_vote(
                    referendum=referendum, user=user, answer=form.cleaned_data["answer"]
                )
            except PermissionDenied:
                raise
            except ValidationError as exc:
                form.apply(exc)
            else:
                messages.success(request, _("Dziękujemy, Twój głos został oddany."))
                return redirect("referenda:detail", public_id=referendum.public_id)
        status = 400
    voted = isinstance(user, User) and selectors.has_voted(referendum=referendum, user=user)
    tally = (
        selectors.tally(referendum=referendum)
        if referendum.status == ReferendumStatus.CLOSED
        else None
    )
    return render(
        request,
        "referenda/detail.html",
        {
            "referendum": referendum,
            "form": form,
            "can_vote": can_vote,
            "voted": voted,
            "tally": tally,
        },
        status=status,
    )


def protocol_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    referendum = _referendum(public_id)
    if referendum.protocol_approved_at is None:
        raise Http404
    pdf = render_pdf(
        "referenda/protocol_pdf.html",
        {"referendum": referendum, "tally": selectors.tally(referendum=referendum)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protokol-{referendum.public_id}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, public_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("referenda.enter_paper_vote"):
        raise PermissionDenied
    user = request.user
    user = cast(User, user)
    referendum = _referendum(public_id)
    form = PaperVoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions.referendum_paper_vote(
            referendum=referendum,
            pesel=form.cleaned_data["pesel"],
            answer=form.cleaned_data["answer"] or "",
            acting_user=user,
        )
        if outcome.accepted:
            messages.success(request, _("Karta papierowa została zapisana."))
            return redirect("referenda:paper", public_id=referendum.public_id)
        form.add_error(None, outcome.message)
    return render(
        request,
        "referenda/paper.html",
        {"referendum": referendum, "form": form},
        status=400 if form.errors else 200,
    )
