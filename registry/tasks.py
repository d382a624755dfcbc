"""Background tasks of the registry core, where the worker and older queued rows look for them.

They are defined in registry/importing/jobs.py beside the services they run.
"""

from registry.importing.jobs import commit_import, validate_import

__all__ = ["commit_import", "validate_import"]
