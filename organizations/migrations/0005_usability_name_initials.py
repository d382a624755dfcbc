"""Recompute the stored search initials: the whole name, then again after each leading place name."""

import pgtrigger
from django.db import migrations

# a derived search column is not a change anyone made: no history event, no version bump
QUIET = (
    "organizations.Organization:update_update",
    "organizations.Organization:version_bump",
    "organizations.Liaison:update_update",
    "organizations.Liaison:version_bump",
)


def recompute(apps, schema_editor):
    from registry.search import name_initials

    known = {f"{model._meta.label}:{trigger.name}" for model, trigger in pgtrigger.registered()}
    with pgtrigger.ignore(*(uri for uri in QUIET if uri in known)):
        for label in ("organizations.Organization", "organizations.Liaison"):
            model = apps.get_model(label)
            max_length = model._meta.get_field("name_initials").max_length
            for pk, name in model.objects.values_list("pk", "name").iterator():
                model.objects.filter(pk=pk).update(name_initials=name_initials(name, max_length=max_length))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_merge_0003_audit_append_only_0003_concurrency_version")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
