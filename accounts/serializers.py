from rest_framework import serializers

from accounts.models import User
from accounts.verification import verification_level
from districts.models import District


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The signed-in person's profile. PESEL is read-only here (masked): changing it needs a
    re-authentication, which only the profile page offers."""

    public_id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    pesel_masked = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(read_only=True)
    sex = serializers.CharField(read_only=True)
    street_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    district = serializers.SlugRelatedField(
        slug_field="slug", queryset=District.objects.all(), required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=["pl", "en"], required=False)
    verification_level = serializers.SerializerMethodField()
    resident_verified_at = serializers.DateTimeField(read_only=True)

    def get_verification_level(self, obj: User) -> str:
        return verification_level(obj).name.lower()
