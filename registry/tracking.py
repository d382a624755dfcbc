"""How a model's changes are kept: the pghistory triggers every tracked model is decorated with.

Apart from registry/history.py (which reads the events and needs the models) so that models.py can
use it without importing its own reader.
"""

import pghistory


def track_history(*, exclude: list[str] | None = None):
    """Class decorator: keep an event row for every insert, update and delete of the model.

    The event table is append-only in the database (a trigger refuses UPDATE and DELETE), so a
    change history cannot be rewritten, not even with SQL. Nothing deletes events with their
    record: the event's link to it is DO_NOTHING without a constraint.
    """
    return pghistory.track(
        pghistory.InsertEvent("insert"),
        pghistory.UpdateEvent("update"),
        pghistory.DeleteEvent("delete"),
        exclude=exclude,
        append_only=True,
    )

