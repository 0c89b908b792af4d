"""Pages of district referenda: parse, check permission, call one action/selector."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.verification import VerificationLevel, has_level
from config.pdf import render_pdf
from consultations.referenda import actions, selectors
from consultations.referenda.forms import ApproveProtocolForm, PaperVoteForm, VoteForm
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


def _protocol_response(referendum: Referendum, *, draft: bool) -> HttpResponse:
    pdf = render_pdf(
        "referenda/protocol_pdf.html",
        {"referendum": referendum, "tally": selectors.tally(referendum=referendum), "draft": draft},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "projekt-protokolu" if draft else "protokol"
    response["Content-Disposition"] = f'inline; filename="{name}-{referendum.public_id}.pdf"'
    return response


def protocol_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The approved protocol: public, like the results page that links it."""
    referendum = _referendum(public_id)
    if referendum.protocol_approved_at is None:
        raise Http404
    return _protocol_response(referendum, draft=False)


def _clerk(request: HttpRequest, perm: str) -> User | HttpResponse:
    """The signed-in clerk holding ``perm``; anonymous → sign-in, without it → 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return cast(User, request.user)


def _clerk_referendum(public_id: str) -> Referendum:
    referendum = selectors.referendum_for_clerk(public_id=public_id)
    if referendum is None:
        raise Http404
    return referendum


@never_cache
@require_http_methods(["GET", "HEAD"])
def protocol_queue(request: HttpRequest) -> HttpResponse:
    """Clerks: closed referenda whose protocol awaits approval, and the latest approved."""
    clerk = _clerk(request, "referenda.approve_protocol")
    if isinstance(clerk, HttpResponse):
        return clerk
    return render(request, "referenda/protocol_queue.html", selectors.protocols_for_clerks())


@never_cache
@require_http_methods(["GET", "POST"])
def protocol_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """Clerks: read the protocol (and its draft PDF) of a closed referendum, then approve it.

    Approval needs the ticked confirmation and goes through ``referendum_protocol_approve``
    (permission, state checks under a row lock, history). A refusal because of the state
    (not closed yet, approved meanwhile) is a message on the reloaded page; nothing changes.
    """
    clerk = _clerk(request, "referenda.approve_protocol")
    if isinstance(clerk, HttpResponse):
        return clerk
    referendum = _clerk_referendum(public_id)
    closed = referendum.status == ReferendumStatus.CLOSED
    approved = referendum.protocol_approved_at is not None
    form = ApproveProtocolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not closed:
            messages.warning(request, _("Protokół zatwierdza się po zamknięciu głosowania."))
            return redirect("referenda:protocol_review", public_id=referendum.public_id)
        if approved:
            messages.warning(request, _("Protokół jest już zatwierdzony."))
            return redirect("referenda:protocol_review", public_id=referendum.public_id)
        if form.is_valid():
            try:
                actions.referendum_protocol_approve(referendum=referendum, acting_user=clerk)
            except ValidationError as exc:
                messages.warning(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Protokół został zatwierdzony i opublikowany."))
            return redirect("referenda:protocol_review", public_id=referendum.public_id)
    context: dict[str, Any] = {
        "referendum": referendum,
        "closed": closed,
        "approved": approved,
        "tally": selectors.tally(referendum=referendum) if closed else None,
        "form": form,
        "history": selectors.referendum_history(referendum=referendum),
    }
    return render(
        request,
        "referenda/protocol_review.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def protocol_draft_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The draft protocol, marked PROJEKT, for the clerks who approve it; once approved, the
    public protocol. No draft exists before closing: the counts would be interim results."""
    clerk = _clerk(request, "referenda.approve_protocol")
    if isinstance(clerk, HttpResponse):
        return clerk
    referendum = _clerk_referendum(public_id)
    if referendum.status != ReferendumStatus.CLOSED:
        raise Http404
    if referendum.protocol_approved_at is not None:
        return redirect("referenda:protocol", public_id=referendum.public_id)
    response = _protocol_response(referendum, draft=True)
    response["Cache-Control"] = "private, no-store"
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
