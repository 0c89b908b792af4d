"""``/api/v1/me``: read and update one's own profile, with the page's validation."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actions import profile_update
from accounts.models import User
from accounts.serializers import MeSerializer


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # noqa: S101 — IsAuthenticated ran first
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            profile_update(user=user, acting_user=user, **serializer.validated_data)
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(MeSerializer(user).data)
