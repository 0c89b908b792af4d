"""The budget API: public reads (editions, pools, projects, results, pabulib) and casting a
ballot (authenticated, the same action and rules as the ballot page)."""

import uuid
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from config.api import ErrorSerializer
from consultations.budget import actions, selectors
from consultations.budget.models import Edition, Pool, Project, ProjectStatus


class PoolSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    district = serializers.CharField(source="district.name", default=None, read_only=True)
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    results_published = serializers.SerializerMethodField()

    class Meta:
        model = Pool
        fields = [
            "id",
            "edition",
            "kind",
            "district",
            "amount",
            "ballot_type",
            "min_choices",
            "max_choices",
            "ordinal_points",
            "cumulative_points",
            "rule",
            "results_published",
        ]

    def get_results_published(self, pool: Pool) -> bool:
        result = getattr(pool, "result", None)
        return bool(result and result.status == "published")


class EditionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    pools = PoolSerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = [
            "id",
            "year",
            "title",
            "submission_start",
            "submission_end",
            "verification_end",
            "appeals_end",
            "voting_start",
            "voting_end",
            "results_date",
            "required_level",
            "district_choice",
            "pools",
        ]


class ProjectSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    pool = serializers.UUIDField(source="pool.public_id", read_only=True)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "pool",
            "number",
            "title",
            "description",
            "location",
            "cost",
            "status",
            "decision_reason",
        ]


_MAX_CHOICES = 50
_MAX_POINTS = 1000


class BallotSerializer(serializers.Serializer):  # type: ignore[type-arg]
    projects = serializers.ListField(child=serializers.UUIDField(), max_length=_MAX_CHOICES)
    points = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=_MAX_POINTS),
        required=False,
        max_length=_MAX_CHOICES,
    )


class ReceiptSerializer(serializers.Serializer):  # type: ignore[type-arg]
    receipt_code = serializers.CharField()
    check_code = serializers.CharField()


def _well_formed(data: dict[str, Any]) -> bool:
    projects = data.get("projects")
    if type(projects) is not list or len(projects) > _MAX_CHOICES:
        return False
    if not all(type(project) is str for project in projects):
        return False
    if "points" not in data:
        return True
    points = data["points"]
    return (
        type(points) is list
        and len(points) <= _MAX_CHOICES
        and all(type(n) is int and 0 <= n <= _MAX_POINTS for n in points)
    )


def ballot_body(data: Any) -> dict[str, Any]:
    """The ballot request's body, checked as ``BallotSerializer`` checks it.

    A well-formed body (project ids as strings, points as integers) is read directly: building
    the serializer copies its fields for every request, which cost a vote more than the rest of
    the check. Anything else goes through the serializer, for its error messages.
    """
    if type(data) is dict and _well_formed(data):
        try:
            body: dict[str, Any] = {"projects": [uuid.UUID(p) for p in data["projects"]]}
        except ValueError:
            pass  # not a UUID: the serializer says which
        else:
            if "points" in data:
                body["points"] = list(data["points"])
            return body
    serializer = BallotSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _validation(error: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError({"non_field_errors": error.messages}, code=error.code)


class EditionViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Editions of the participatory budget with their schedule and pools (public)."""

    permission_classes = [AllowAny]
    serializer_class = EditionSerializer
    lookup_field = "year"
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.public_editions().prefetch_related("pools__district", "pools__result")


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The project catalogue (public); filters ``?year=&district=&status=&q=``."""

    permission_classes = [AllowAny]
    serializer_class = ProjectSerializer
    lookup_field = "public_id"
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        edition = None
        if params.get("year", "").isdigit():
            edition = selectors.public_editions().filter(year=int(params["year"])).first()
            if edition is None:
                return Project.objects.none()
        district = params.get("district", "")
        status_value = params.get("status", "")
        return selectors.public_projects(
            edition=edition,
            district_id=None,
            search=params.get("q", "")[:100],
            status=status_value if status_value in ProjectStatus.values else "",
        ).filter(**({"pool__district__number": int(district)} if district.isdigit() else {}))


class PoolViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Pools (public); ``results``, ``pabulib`` and casting a ``ballot`` hang off one pool."""

    permission_classes = [AllowAny]
    serializer_class = PoolSerializer
    lookup_field = "public_id"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Pool.objects.filter(edition__is_published=True)
            .select_related("edition", "district", "result")
            .order_by("edition__year", "kind", "district__number")
        )

    def get_object(self) -> Pool:
        try:
            return super().get_object()  # type: ignore[no-any-return]
        except DjangoValidationError as exc:
            raise Http404 from exc

    @action(detail=True, methods=["get"])
    def results(self, request: Request, public_id: str) -> Response:
        pool = self.get_object()
        result = selectors.published_result(pool=pool)
        if result is None:
            raise Http404
        return Response(
            {
                "pool": str(pool.public_id),
                "official_rule": pool.rule,
                "voters": result.voters,
                "invalid_ballots": result.invalid_ballots,
                "greedy": result.greedy,
                "mes": result.mes,
                "voters_with_funded_project": {
                    "greedy": result.greedy_satisfied,
                    "mes": result.mes_satisfied,
                },
                "published_at": result.published_at,
            }
        )

    @action(detail=True, methods=["get"])
    def pabulib(self, request: Request, public_id: str) -> HttpResponse:
        """The pool as a ``.pb`` file, once its results are published (clerks: any time after
        voting closes)."""
        pool = self.get_object()
        if selectors.published_result(pool=pool) is None and not (
            request.user.has_perm("budget.publish_results")
            and pool.edition.voting_end <= timezone.now()
        ):
            raise Http404
        response = HttpResponse(
            actions.pabulib_export(pool=pool), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="krakow-{pool.edition.year}-{pool.public_id}.pb"'
        )
        return response

    @extend_schema(
        request=BallotSerializer,
        responses={
            201: ReceiptSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def ballot(self, request: Request, public_id: str) -> Response:
        """Cast a ballot: ``{"projects": [project ids in order], "points": [...]}``.

        ``points`` only for cumulative pools (one number per project); ordinal pools give the
        points by position. Answers the receipt code and the check code. 409 ``already_voted``:
        this person has voted in this kind of pool in this edition (online or on paper).
        """
        # The hot path of voting: the pool and its ballot come from a per-process snapshot of a
        # few seconds, so a vote costs the token check and one INSERT statement.
        snapshot = selectors.ballot_snapshot(public_id=public_id)
        if snapshot is None:
            raise Http404
        pool = snapshot.pool
        body = ballot_body(request.data)
        wanted = body["projects"]
        found = snapshot.projects
        missing = [str(w) for w in wanted if w not in found]
        if missing:
            raise exceptions.ValidationError(
                {
                    "projects": [
                        _("Projektu %(id)s nie ma na tej karcie do głosowania.") % {"id": m}
                        for m in missing
                    ]
                },
                code="not_on_ballot",
            )
        user = request.user
        user = cast(User, user)
        try:
            receipt = actions.ballot_cast_online(
                user=user,
                pool=pool,
                projects=[found[w] for w in wanted],
                points=body.get("points"),
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        except actions.AlreadyVoted as exc:
            return Response(
                {"error": {"status": 409, "code": "already_voted", "message": exc.messages[0]}},
                status=status.HTTP_409_CONFLICT,
            )
        except actions.BallotNotSaved as exc:
            return Response(
                {"error": {"status": 409, "code": "not_saved", "message": exc.messages[0]}},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            raise _validation(exc) from exc
        return Response(
            {"receipt_code": receipt.receipt_code, "check_code": receipt.check_code},
            status=status.HTTP_201_CREATED,
        )
