"""Where a background job waits in the task worker's queue (django-tasks-db), for the pages that show its progress."""

from django.db.models import Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def queue_position(task_id: str) -> int | None:
    """The task's place in the worker's queue (1: taken next), or None when it is not waiting there."""
    task = DBTaskResult.objects.filter(pk=task_id).first() if task_id else None
    if task is None or task.status != TaskResultStatus.READY:
        return None
    ahead = (
        DBTaskResult.objects.ready()
        .filter(backend_name=task.backend_name, queue_name=task.queue_name)
        .filter(
            Q(priority__gt=task.priority)
            | Q(priority=task.priority, run_after__lt=task.run_after)
            | Q(priority=task.priority, run_after=task.run_after, enqueued_at__lt=task.enqueued_at)
        )
        .count()
    )
    return ahead + 1


def mark_task_failed(task_id: str, *, now) -> None:
    """The worker's own row of a task whose process died: failed too, so it is not shown as running forever."""
    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now
        )
