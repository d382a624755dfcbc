"""Background work of the organizations app (manage.py db_worker): the daily roll-over of coverage."""

from django.tasks import task

from . import coverage_state


@task()
def refresh_coverage() -> dict:
    """Move the stored coverage to today: the organizations whose assignments started or ended since their
    row's date are recomputed, the others re-dated (and rows missing after a load with triggers off are filled)."""
    filled = coverage_state.refresh_coverage(coverage_state.missing_ids())
    moved = coverage_state.roll_over()
    return {"filled": filled, "recomputed": moved["recomputed"], "moved": moved["moved"]}
