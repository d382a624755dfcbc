"""Background tasks of the registry core: validating and committing large Excel imports (manage.py db_worker)."""

from django.tasks import task

from registry.models import ImportRecord
from registry.services import import_commit, import_validate


@task()
def validate_import(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).select_related("user").first()
    if record is not None:
        import_validate(record=record)


@task()
def commit_import(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).select_related("user").first()
    if record is not None:
        import_commit(record=record)
