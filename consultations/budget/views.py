"""Pages of the participatory budget: parse, check permission, call one action/selector."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.verification import VerificationLevel, has_level, require_level
from consultations.budget import actions, selectors
from consultations.budget.forms import (
    AppealDecisionForm,
    AppealForm,
    ApproveResultsForm,
    BallotForm,
    CheckCodeForm,
    PaperBallotForm,
    ProjectDecisionForm,
    ProjectForm,
)
from consultations.budget.models import Edition, Pool, PoolKind, Project, ProjectStatus
from districts.models import District

RECEIPT_SESSION_KEY = "budget_receipt"


def _edition(year: int) -> Edition:
    return get_object_or_404(selectors.public_editions(), year=year)


def _pool(edition: Edition, pool_id: str) -> Pool:
    try:
        return get_object_or_404(
            edition.pools.select_related("district", "edition"), public_id=pool_id
        )
    except ValidationError as exc:
        raise Http404 from exc


def index(request: HttpRequest) -> HttpResponse:
    editions = list(selectors.public_editions())
    return render(request, "budget/index.html", {"editions": editions})


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    pools = list(selectors.edition_pools(edition=edition))
    return render(request, "budget/edition.html", {"edition": edition, "pools": pools})


def catalogue(request: HttpRequest) -> HttpResponse:
    editions = list(selectors.public_editions())
    districts = list(District.objects.by_number())
    params = request.GET
    edition = next((e for e in editions if str(e.year) == params.get("rok", "")), None)
    district = next((d for d in districts if str(d.number) == params.get("dzielnica", "")), None)
    status = params.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    search = params.get("q", "").strip()[:100]
    projects = selectors.public_projects(
        edition=edition,
        district_id=district.pk if district else None,
        search=search,
        status=status,
    )
    page = Paginator(projects, 25).get_page(params.get("strona"))
    query = params.copy()
    query.pop("strona", None)
    return render(
        request,
        "budget/catalogue.html",
        {
            "page": page,
            "editions": editions,
            "districts": districts,
            "statuses": ProjectStatus.choices,
            "selected": {
                "rok": edition.year if edition else "",
                "dzielnica": district.number if district else "",
                "status": status,
                "q": search,
            },
            "query": query.urlencode(),
        },
    )


def project_detail(request: HttpRequest, project_id: str) -> HttpResponse:
    try:
        project = get_object_or_404(
            selectors.public_projects().prefetch_related("cost_items"), public_id=project_id
        )
    except ValidationError as exc:
        raise Http404 from exc
    return render(request, "budget/project.html", {"project": project})


@require_level(VerificationLevel.EMAIL)
def project_submit(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    user = request.user
    user = cast(User, user)
    form = ProjectForm(request.POST or None, edition=edition)
    if not edition.submission_open():
        return render(
            request, "budget/closed.html", {"edition": edition, "what": "submission"}, status=409
        )
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.project_submit(
                pool=form.cleaned_data["pool"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                location=form.cleaned_data["location"],
                cost_items=form.cleaned_data["cost_items"],
                acting_user=user,
            )
        except PermissionDenied:
            return render(
                request,
                "accounts/verification_required.html",
                {"required": VerificationLevel(edition.required_level)},
                status=403,
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Projekt został zgłoszony. Czeka na weryfikację."))
            return redirect("budget:project", project_id=project.public_id)
    return render(
        request,
        "budget/submit.html",
        {"edition": edition, "form": form},
        status=400 if form.errors else 200,
    )


def _voter_pools(request: HttpRequest, edition: Edition) -> dict[str, list[Pool]]:
    user = request.user
    user = cast(User, user)
    return actions.pools_for_voter(edition=edition, user=user)


def vote_start(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    user = cast(User, user)
    if not has_level(user, edition.required_level):
        return render(
            request,
            "accounts/verification_required.html",
            {"required": VerificationLevel(edition.required_level)},
            status=403,
        )
    pools = _voter_pools(request, edition)
    voted = {
        kind: selectors.has_voted(user=user, edition=edition, pool_kind=kind)
        for kind in PoolKind.values
    }
    rows = [
        {"kind": kind, "label": PoolKind(kind).label, "pools": pools[kind], "voted": voted[kind]}
        for kind in PoolKind.values
    ]
    return render(
        request,
        "budget/vote_start.html",
        {
            "edition": edition,
            "rows": rows,
            "open": edition.voting_open(),
            "has_pesel": bool(user.pesel),
        },
    )


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, year: int, pool_id: str) -> HttpResponse:
    """The ballot → review → cast, as three steps of one URL (``step`` in the POST)."""
    edition = _edition(year)
    pool = _pool(edition, pool_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    user = cast(User, user)
    if not has_level(user, edition.required_level):
        return render(
            request,
            "accounts/verification_required.html",
            {"required": VerificationLevel(edition.required_level)},
            status=403,
        )
    if pool not in _voter_pools(request, edition)[pool.kind]:
        raise PermissionDenied
    if not edition.voting_open():
        return render(
            request, "budget/closed.html", {"edition": edition, "what": "voting"}, status=409
        )
    projects = list(selectors.ballot_projects(pool=pool))
    step = request.POST.get("step", "")
    form = BallotForm(request.POST or None, pool=pool, projects=projects)
    context: dict[str, Any] = {"edition": edition, "pool": pool, "form": form, "projects": projects}
    if request.method == "POST" and step in ("review", "cast") and form.is_valid():
        chosen = form.cleaned_data["projects"]
        points = form.cleaned_data["points"]
        try:
            validated = actions.ballot_validate(pool=pool, projects=chosen, points=points)
            if step == "cast":
                receipt = actions.ballot_cast_online(
                    user=user, pool=pool, projects=chosen, points=points
                )
                request.session[RECEIPT_SESSION_KEY] = {
                    "receipt": receipt.receipt_code,
                    "check": receipt.check_code,
                    "pool": str(pool.public_id),
                }
                return redirect("budget:receipt", year=edition.year)
        except ValidationError as exc:
            form.apply(exc)
        except PermissionDenied:
            return render(
                request,
                "accounts/verification_required.html",
                {"required": VerificationLevel(edition.required_level)},
                status=403,
            )
        else:
            context.update(review=validated, hidden=form.as_hidden_review())
            return render(request, "budget/review.html", context)
    status = 400 if form.errors else 200
    return render(request, "budget/ballot.html", context, status=status)


def receipt(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Shown once: the check code must not stay in the session store next to the account.
    data = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not data:
        return redirect("budget:vote_start", year=edition.year)
    pool = _pool(edition, data["pool"])
    return render(request, "budget/receipt.html", {"edition": edition, "pool": pool, "data": data})


def check(request: HttpRequest) -> HttpResponse:
    """Anyone with a check code can see that the ballot is counted, and what it says."""
    form = CheckCodeForm(request.GET or None)
    ballot = None
    searched = False
    if request.GET and form.is_valid():
        searched = True
        ballot = selectors.ballot_by_check_code(code=form.cleaned_data["code"])
    choices = list(ballot.choices.select_related("project").order_by("position")) if ballot else []
    return render(
        request,
        "budget/check.html",
        {"form": form, "ballot": ballot, "choices": choices, "searched": searched},
        status=400 if form.errors else 200,
    )


def explain_greedy_text(entry: dict[str, Any]) -> str:
    """The engine's greedy explanation codes in words."""
    status = entry.get("status")
    left = entry.get("money_left_before", "")
    if status == "funded":
        return _("Sfinansowany (miejsce %(rank)s; przed nim zostało %(left)s zł).") % {
            "rank": entry.get("rank"),
            "left": left,
        }
    if status == "did_not_fit":
        return _("Nie zmieścił się w pozostałej kwocie %(left)s zł.") % {"left": left}
    if status == "no_money_left":
        return _("Pieniądze w puli się skończyły.")
    return ""


def explain_mes_text(entry: dict[str, Any]) -> str:
    """The engine's MES explanation codes in words."""
    status = entry.get("status")
    if status == "funded_mes":
        return _("Sfinansowany w rundzie %(round)s metody równych udziałów.") % {
            "round": entry.get("round")
        }
    if status == "funded_completion":
        return _("Sfinansowany w uzupełnieniu z pozostałych %(left)s zł.") % {
            "left": entry.get("money_left_before", "")
        }
    if entry.get("reason") == "no_votes":
        return _("Nie otrzymał głosów.")
    if entry.get("reason") == "supporters_short_of_money":
        return _(
            "Jego zwolennikom zabrakło %(short)s zł: mieli razem %(held)s zł, projekt kosztuje "
            "%(cost)s zł."
        ) % {
            "short": entry.get("shortfall", ""),
            "held": entry.get("supporters_money_left", ""),
            "cost": entry.get("cost", ""),
        }
    return ""


def _result_rows(result: Any) -> list[dict[str, Any]]:
    """One row per project: score, both rules' outcome explained in words, the chart's bar."""
    greedy = result.greedy
    mes_by_id = {p["project_id"]: p for p in result.mes["projects"]}
    budget = float(greedy["budget"]) or 1.0
    max_score = max((p["score"] for p in greedy["projects"]), default=0) or 1
    rows = []
    for p in sorted(greedy["projects"], key=lambda p: (-p["score"], int(p["project_id"]))):
        m = mes_by_id.get(p["project_id"], {})
        rows.append(
            {
                **p,
                "mes_selected": m.get("selected", False),
                "greedy_text": explain_greedy_text(p.get("explanation", {})),
                "mes_text": explain_mes_text(m.get("explanation", {})),
                "bar": round(100 * p["score"] / max_score, 1),
                "share_of_budget": round(100 * float(p["cost"]) / budget, 1),
            }
        )
    return rows


def results(request: HttpRequest, year: int, pool_id: str) -> HttpResponse:
    edition = _edition(year)
    pool = _pool(edition, pool_id)
    result = selectors.published_result(pool=pool)
    if result is None:
        return render(
            request, "budget/no_results.html", {"edition": edition, "pool": pool}, status=404
        )
    return render(
        request,
        "budget/results.html",
        {"edition": edition, "pool": pool, "result": result, "rows": _result_rows(result)},
    )


def _posted(request: HttpRequest) -> Any:
    """The POST data (even empty, so an empty submission shows errors), or None on GET."""
    return request.POST if request.method == "POST" else None


def _clerk(request: HttpRequest, perm: str) -> User | HttpResponse:
    """The signed-in clerk holding ``perm``; anonymous → sign-in, without it → 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return cast(User, request.user)


def _project(project_id: str) -> Project:
    try:
        return get_object_or_404(
            Project.objects.select_related("pool__edition", "pool__district", "submitted_by"),
            public_id=project_id,
        )
    except ValidationError as exc:
        raise Http404 from exc


def verification_queue(request: HttpRequest) -> HttpResponse:
    """Clerks: projects waiting for verification or for an appeal decision."""
    clerk = _clerk(request, "budget.verify_project")
    if isinstance(clerk, HttpResponse):
        return clerk
    page = Paginator(selectors.verification_queue(), 50).get_page(request.GET.get("strona"))
    return render(request, "budget/verify_queue.html", {"page": page})


@require_http_methods(["GET", "POST"])
def verify_project(request: HttpRequest, project_id: str) -> HttpResponse:
    """Clerks: accept or reject a submitted project, or decide the author's appeal."""
    clerk = _clerk(request, "budget.verify_project")
    if isinstance(clerk, HttpResponse):
        return clerk
    project = _project(project_id)
    appeal = project.status == ProjectStatus.APPEALED
    form_class = AppealDecisionForm if appeal else ProjectDecisionForm
    form: AppealDecisionForm | ProjectDecisionForm = form_class(_posted(request))
    pending = project.status in (ProjectStatus.SUBMITTED, ProjectStatus.APPEALED)
    if request.method == "POST" and not pending:
        form.is_valid()
        form.add_error(None, _("Ten projekt nie czeka na decyzję."))
    elif request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if appeal:
                actions.project_appeal_decide(
                    project=project,
                    upheld=decision == "uphold",
                    reason=form.cleaned_data["reason"],
                    acting_user=clerk,
                )
            else:
                actions.project_verify(
                    project=project,
                    accepted=decision == "accept",
                    reason=form.cleaned_data["reason"],
                    acting_user=clerk,
                )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Decyzja została zapisana."))
            return redirect("budget:verify", project_id=project.public_id)
    return render(
        request,
        "budget/verify_project.html",
        {
            "project": project,
            "form": form,
            "appeal": appeal,
            "pending": pending,
            "history": selectors.project_history(project=project),
            "cost_items": list(project.cost_items.all()),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, project_id: str) -> HttpResponse:
    """The author appeals the rejection of their project, before the appeals deadline."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    project = _project(project_id)
    if project.submitted_by_id != user.pk:
        raise PermissionDenied
    edition = project.pool.edition
    can_appeal = (
        project.status == ProjectStatus.REJECTED
        and not project.appeal_text
        and timezone.now() < edition.appeals_end
    )
    form = AppealForm(_posted(request))
    if request.method == "POST" and not can_appeal:
        form.is_valid()
        form.add_error(None, _("Od tej decyzji nie można już się odwołać."))
    elif request.method == "POST" and form.is_valid():
        try:
            actions.project_appeal(
                project=project, text=form.cleaned_data["text"], acting_user=user
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Odwołanie zostało złożone. Rozpatrzy je urzędnik."))
            return redirect("budget:appeal", project_id=project.public_id)
    history = [
        h
        for h in selectors.project_history(project=project)
        if h.status != ProjectStatus.SUBMITTED or h.history_type == "+"
    ]
    return render(
        request,
        "budget/appeal.html",
        {
            "project": project,
            "edition": edition,
            "form": form,
            "can_appeal": can_appeal,
            "history": history,
        },
        status=400 if form.errors else 200,
    )


def results_queue(request: HttpRequest) -> HttpResponse:
    """Clerks: computed results waiting for approval before they are published."""
    clerk = _clerk(request, "budget.publish_results")
    if isinstance(clerk, HttpResponse):
        return clerk
    return render(
        request,
        "budget/results_queue.html",
        {"results": list(selectors.results_awaiting_approval())},
    )


@require_http_methods(["GET", "POST"])
def results_approve(request: HttpRequest, pool_id: str) -> HttpResponse:
    """Clerks: check a pool's computed results and approve their publication (audited)."""
    clerk = _clerk(request, "budget.publish_results")
    if isinstance(clerk, HttpResponse):
        return clerk
    result = selectors.result_for_approval(public_id=pool_id)
    if result is None:
        raise Http404
    form = ApproveResultsForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.pool_results_publish(result=result, acting_user=clerk)
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Wyniki zostały zatwierdzone i opublikowane."))
            return redirect("budget:results_approve", pool_id=result.pool.public_id)
    history = list(
        result.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "budget/results_approve.html",
        {
            "result": result,
            "pool": result.pool,
            "edition": result.pool.edition,
            "rows": _result_rows(result),
            "form": form,
            "history": history,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, year: int, pool_id: str) -> HttpResponse:
    """Clerks enter paper ballots; each entry is checked against the same register."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("budget.enter_paper_ballot"):
        raise PermissionDenied
    user = request.user
    user = cast(User, user)
    edition = _edition(year)
    pool = _pool(edition, pool_id)
    projects = list(selectors.ballot_projects(pool=pool))
    form = PaperBallotForm(request.POST or None, pool=pool, projects=projects)
    if request.method == "POST" and form.is_valid():
        invalid = form.cleaned_data["invalid"]
        try:
            outcome = actions.paper_ballot_enter(
                pool=pool,
                pesel=form.cleaned_data["pesel"],
                projects=[] if invalid else form.cleaned_data["projects"],
                points=None if invalid else form.cleaned_data["points"],
                is_valid=not invalid,
                acting_user=user,
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            if outcome.accepted:
                messages.success(request, _("Karta papierowa została zapisana."))
                return redirect("budget:paper", year=edition.year, pool_id=pool.public_id)
            form.add_error("pesel" if outcome.reason == "invalid_pesel" else None, outcome.message)
    return render(
        request,
        "budget/paper.html",
        {"edition": edition, "pool": pool, "form": form},
        status=400 if form.errors else 200,
    )
