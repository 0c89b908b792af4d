"""The districts API: public reads (districts, allocations, resolutions, tasks) and council
members' and clerks' writes, every one checked object by object in the actions."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import council_district_ids
from districts import actions
from districts.models import (
    DeadlineOverride,
    Resolution,
    ResolutionStatus,
    ResolutionTask,
    TaskAttachment,
)
from districts.selectors import (
    allocations,
    current_tasks,
    deadline_overrides,
    district_list,
    public_resolutions,
    resolution_by_public_id,
    task_attachments,
)
from districts.serializers import (
    AllocationSerializer,
    AttachmentCreateSerializer,
    AttachmentSerializer,
    DeadlineOverrideCreateSerializer,
    DeadlineOverrideSerializer,
    DistrictSerializer,
    ProgressSerializer,
    ResolutionCreateSerializer,
    ResolutionSerializer,
    ReviewSerializer,
    TaskCreateSerializer,
    TaskSerializer,
)


def _run(call: Callable[[], Any]) -> Any:
    """Run an action; its ValidationError becomes the API's 400 with the same messages."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from error
        raise serializers.ValidationError({"non_field_errors": error.messages}) from error


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The 18 districts of Kraków (public)."""

    permission_classes = [AllowAny]
    serializer_class = DistrictSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return district_list()


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The districts' funds per year, exact to the grosz (public); filter with ``?year=``."""

    permission_classes = [AllowAny]
    serializer_class = AllocationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        year = self.request.query_params.get("year", "")
        return allocations(year=int(year) if year.isdigit() and len(year) == 4 else None)


class ResolutionViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Budget resolutions of the district councils: public once filed; drafts are seen and
    changed only by the council members of their district."""

    serializer_class = ResolutionSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return public_resolutions().select_related("previous").prefetch_related("tasks")

    def get_object(self) -> Resolution:
        try:
            resolution = resolution_by_public_id(public_id=self.kwargs["public_id"])
        except (Resolution.DoesNotExist, DjangoValidationError):
            raise Http404 from None
        if resolution.status == ResolutionStatus.DRAFT and not actions.can_edit_district(
            self.request.user, resolution.district_id
        ):
            raise Http404
        return resolution

    def _answer(self, resolution: Resolution, status: int = 200) -> Response:
        fresh = resolution_by_public_id(public_id=resolution.public_id)
        return Response(ResolutionSerializer(fresh).data, status=status)

    def create(self, request: Request) -> Response:
        data = ResolutionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resolution = _run(
            lambda: actions.resolution_draft_create(acting_user=request.user, **data.validated_data)
        )
        return self._answer(resolution, status=201)

    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, public_id: str) -> Response:
        resolution = self.get_object()
        data = TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(
            lambda: actions.resolution_task_add(
                resolution=resolution, acting_user=request.user, **data.validated_data
            )
        )
        return self._answer(resolution, status=201)

    @action(detail=True, methods=["delete"], url_path=r"tasks/(?P<task_id>[0-9]{1,18})")
    def remove_task(self, request: Request, public_id: str, task_id: str) -> Response:
        """Remove a task from a draft (the district's council members)."""
        resolution = self.get_object()
        task = resolution.tasks.filter(pk=int(task_id)).first()
        if task is None:
            raise Http404
        _run(lambda: actions.resolution_task_remove(task=task, acting_user=request.user))
        return self._answer(resolution)

    @action(detail=True, methods=["post"])
    def file(self, request: Request, public_id: str) -> Response:
        resolution = self.get_object()
        _run(lambda: actions.resolution_file(resolution=resolution, acting_user=request.user))
        return self._answer(resolution)

    @action(detail=True, methods=["post"])
    def amend(self, request: Request, public_id: str) -> Response:
        resolution = self.get_object()
        new = _run(
            lambda: actions.resolution_amend(resolution=resolution, acting_user=request.user)
        )
        return self._answer(new, status=201)

    @action(detail=True, methods=["post"])
    def review(self, request: Request, public_id: str) -> Response:
        resolution = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(
            lambda: actions.resolution_review(
                resolution=resolution, acting_user=request.user, **data.validated_data
            )
        )
        return self._answer(resolution)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Tasks of the filed resolutions and their progress (public); progress is recorded by the
    district's council members and clerks with the permission."""

    serializer_class = TaskSerializer

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in ("list", "retrieve") or (
            self.action == "attachments" and self.request.method == "GET"
        ):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        district = self.request.query_params.get("district")
        rows = current_tasks()
        return rows.filter(resolution__district__slug=district) if district else rows

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        task: ResolutionTask = self.get_object()
        data = ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(
            lambda: actions.task_progress_update(
                task=task, acting_user=request.user, **data.validated_data
            )
        )
        task.refresh_from_db()
        return Response(TaskSerializer(task).data)

    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=AttachmentSerializer,
    )
    def attachments(self, request: Request, pk: str) -> Response:
        """Photos and documents of a task: public list; upload (multipart: ``kind``, ``title``,
        ``file``) by the district's council members and clerks with the permission."""
        task: ResolutionTask = self.get_object()
        if request.method == "GET":
            rows = task_attachments(task=task)
            return Response(AttachmentSerializer(rows, many=True).data)
        data = AttachmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > actions.MAX_ATTACHMENT_BYTES:
            # Refused before reading the file into memory.
            raise serializers.ValidationError(
                {"file": [gettext("Plik musi mieć od 1 bajta do 5 MB.")]}
            )
        attachment = _run(
            lambda: actions.task_attachment_add(
                task=task,
                kind=data.validated_data["kind"],
                title=data.validated_data["title"],
                data=upload.read(),
                acting_user=request.user,
            )
        )
        return Response(AttachmentSerializer(attachment).data, status=201)

    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})",
    )
    def remove_attachment(self, request: Request, pk: str, attachment_id: str) -> Response:
        task: ResolutionTask = self.get_object()
        attachment = TaskAttachment.objects.filter(pk=int(attachment_id), task=task).first()
        if attachment is None:
            raise Http404
        _run(
            lambda: actions.task_attachment_remove(attachment=attachment, acting_user=request.user)
        )
        return Response(status=204)


class DeadlineOverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Clerks' recorded permissions for a council to file its resolution after the deadline.

    Clerks with the permission see, grant (``POST``: district, year, reason, valid_until) and
    withdraw them; a council member sees those of their own districts (read only).
    """

    serializer_class = DeadlineOverrideSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = self.request.user
        if actions.can_override_deadline(user) or actions.can_review(user):
            return deadline_overrides()
        return deadline_overrides(district_ids=set(council_district_ids(user)))

    def create(self, request: Request) -> Response:
        data = DeadlineOverrideCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        override = _run(
            lambda: actions.deadline_override_grant(acting_user=request.user, **data.validated_data)
        )
        return Response(DeadlineOverrideSerializer(override).data, status=201)

    def perform_destroy(self, instance: DeadlineOverride) -> None:
        _run(
            lambda: actions.deadline_override_revoke(
                override=instance, acting_user=self.request.user
            )
        )
