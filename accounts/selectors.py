"""Reads on accounts used by views, the API and other apps."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import (
    ApiToken,
    AssistedAct,
    ConsentRecord,
    NotificationPreference,
    PeselLookup,
    TrainingSession,
    TrainingSignup,
    User,
)
from accounts.registry import gdpr_contributors


def notification_preferences(*, user: User) -> NotificationPreference | None:
    return NotificationPreference.objects.prefetch_related("districts").filter(user=user).first()


def user_api_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def upcoming_trainings() -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")


def user_training_session_ids(*, user: User) -> set[int]:
    return set(TrainingSignup.objects.filter(user=user).values_list("session_id", flat=True))


def assisted_acts_for(*, resident: User) -> QuerySet[AssistedAct]:
    """What assistants did for ``resident``, newest first, with the assistant loaded."""
    return (
        AssistedAct.objects.filter(resident=resident)
        .select_related("assistant")
        .order_by("-created_at")
    )


def own_personal_data(*, user: User) -> dict[str, Any]:
    """What accounts itself holds about ``user`` (its GDPR export part)."""
    pref = notification_preferences(user=user)
    return {
        "public_id": str(user.public_id),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "pesel": user.pesel,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "sex": user.sex,
        "street_address": user.street_address,
        "postal_code": user.postal_code,
        "city": user.city,
        "district": user.district.name if user.district else None,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "resident_verified_at": (
            user.resident_verified_at.isoformat() if user.resident_verified_at else None
        ),
        "resident_verification_method": user.resident_verification_method,
        "resident_verification_document": user.resident_verification_document,
        "notification_preferences": (
            {
                "topics": pref.topics,
                "districts": [district.name for district in pref.districts.all()],
                "digest_frequency": pref.digest_frequency,
            }
            if pref
            else None
        ),
        "consents": [
            {
                "kind": consent.kind,
                "text": str(consent.get_kind_display()),
                "version": consent.version,
                "given": consent.given,
                "channel": consent.channel,
                "recorded_at": consent.recorded_at.isoformat(),
            }
            for consent in ConsentRecord.objects.filter(user=user).order_by("recorded_at", "pk")
        ],
        "assisted_acts": [
            {"kind": act.kind, "description": act.description, "at": act.created_at.isoformat()}
            for act in AssistedAct.objects.filter(resident=user).order_by("created_at", "pk")
        ],
        # Who looked the person up by PESEL is recorded; the export says when and why.
        "pesel_lookups": [
            {"at": lookup.performed_at.isoformat(), "purpose": lookup.purpose}
            for lookup in PeselLookup.objects.filter(found=user).order_by("performed_at", "pk")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "created_at": token.created_at.isoformat(),
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in user_api_tokens(user=user)
        ],
        "training_signups": [
            {
                "title": signup.session.title,
                "place": signup.session.place,
                "starts_at": signup.session.starts_at.isoformat(),
            }
            for signup in TrainingSignup.objects.filter(user=user).select_related("session")
        ],
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user``, one key per contributing app (R-ACC-7)."""
    return {
        "generated_at": timezone.now().isoformat(),
        **{contributor.key: contributor.export(user) for contributor in gdpr_contributors()},
    }
