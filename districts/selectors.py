from districts.models import District, DistrictQuerySet


def district_list() -> DistrictQuerySet:
    return District.objects.by_number()


def district_by_slug(*, slug: str) -> District:
    return District.objects.get(slug=slug)
