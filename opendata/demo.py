"""Demo data: the registered demo datasets materialised once (each labelled DEMO)."""

from collections.abc import Callable

from opendata import actions
from opendata.models import Dataset
from opendata.registry import registered_datasets


def seed(*, log: Callable[[str], None]) -> None:
    for own in registered_datasets():
        if not own.is_demo:
            continue
        published = Dataset.objects.filter(
            own_slug=own.slug, resources__current_version__isnull=False
        ).exists()
        if not published:
            actions.own_dataset_materialise(own=own)
            log(f"open data: {own.slug} (DEMO) published")
