from rest_framework import serializers

from districts.models import District


class DistrictSerializer(serializers.ModelSerializer[District]):
    class Meta:
        model = District
        fields = [
            "number",
            "roman",
            "name",
            "slug",
            "area_km2",
            "population",
            "population_year",
            "council_seats",
        ]
