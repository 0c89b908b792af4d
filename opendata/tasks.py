import requests
from celery import shared_task

from opendata import actions


@shared_task(name="opendata.table_import")
def table_import_task(table_import_id: int) -> str:
    return str(actions.table_import_run(table_import_id=table_import_id).status)


@shared_task(name="opendata.materialise_own_datasets")
def materialise_own_datasets_task() -> list[str]:
    return actions.own_datasets_materialise_due()


@shared_task(
    name="opendata.refresh_remote",
    # Transient network trouble only; a 404 or a bad file is not retried.
    autoretry_for=(requests.ConnectionError, requests.Timeout),
    retry_backoff=True,
    max_retries=3,
)
def refresh_remote_task(resource_id: int) -> str:
    result = actions.resource_refresh_remote(resource_id=resource_id)
    return str(result.status) if result is not None else "no-source"


@shared_task(name="opendata.refresh_remote_all")
def refresh_remote_all_task() -> int:
    from opendata.selectors import remote_resource_ids

    ids = remote_resource_ids()
    for resource_id in ids:
        refresh_remote_task.delay(resource_id)
    return len(ids)
