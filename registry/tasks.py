"""Background tasks of the registry core, where the worker and older queued rows look for them.

They are defined beside the services they run: registry/importing/jobs.py and registry/export_jobs.py.
"""

from registry.export_jobs import run_export
from registry.importing.jobs import commit_import, validate_import

__all__ = ["commit_import", "run_export", "validate_import"]
