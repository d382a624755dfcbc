"""Writes of the registry core: regions (the life of an import record is in registry/importing/jobs.py)."""

from django.db import transaction

from registry.models import Region
from registry.scoping import ensure_still_visible

# ---------------------------------------------------------------------------------------------
# Regions


@transaction.atomic
def region_create(*, user, data: dict) -> Region:
    region = Region(**data)
    if region.parent_id:
        # the path is derived from the parent's path as it is now, not as a caller loaded it
        region.parent = Region.objects.get(pk=region.parent_id)
    region.full_clean()
    region.save()
    ensure_still_visible(user, region)
    return region


@transaction.atomic
def region_update(*, user, instance: Region, data: dict) -> Region:
    """Apply ``data`` to a region of the user's scope; moving it re-roots its subtree (Region.save)."""
    # locked and fresh: Region.save re-roots the subtree from the path it reads here
    region = Region.objects.select_for_update().get(pk=instance.pk)
    ensure_still_visible(user, region)
    for name, value in data.items():
        setattr(region, name, value)
    if region.parent_id:
        region.parent = Region.objects.get(pk=region.parent_id)
    region.full_clean()
    region.save()
    ensure_still_visible(user, region)
    return region
