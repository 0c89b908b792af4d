"""Pages of the participatory budget: parse, check permission, call one action/selector."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.verification import VerificationLevel, has_level, require_level
from consultations.budget import actions, selectors
from consultations.budget.forms import BallotForm, CheckCodeForm, PaperBallotForm, ProjectForm
from consultations.budget.models import Edition, Pool, PoolKind, ProjectStatus
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


def results(request: HttpRequest, year: int, pool_id: str) -> HttpResponse:
    edition = _edition(year)
    pool = _pool(edition, pool_id)
    result = selectors.published_result(pool=pool)
    if result is None:
        return render(
            request, "budget/no_results.html", {"edition": edition, "pool": pool}, status=404
        )
    greedy = result.greedy
    mes = result.mes
    mes_by_id = {p["project_id"]: p for p in mes["projects"]}
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
    return render(
        request,
        "budget/results.html",
        {"edition": edition, "pool": pool, "result": result, "rows": rows},
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
