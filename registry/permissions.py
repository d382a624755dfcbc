"""Who may do what, as named rules (the ``rules`` library): each predicate is defined once and read like a sentence.

Views, services, the API and the admin ask these predicates (or ``user.has_perm("<rule>")`` for the
named permissions registered at the bottom, answered by rules.permissions.ObjectPermissionBackend)
instead of spelling permission strings, ``is_superuser`` or group names themselves.
"""

import rules

from registry.roles import DISTRICT_ADMIN

PERSONAL_DATA_PERMISSION = "registry.view_personal_data"
REVEAL_PERMISSION = "registry.reveal_personal_data"
EXPORT_PERMISSION = "registry.export_data"


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def holds(*permissions: str):
    """A predicate: the user holds every one of these Django permissions (through a role or directly)."""

    def check(user) -> bool:
        return bool(is_signed_in(user) and user.has_perms(permissions))

    return rules.predicate(check, name=f"holds({', '.join(permissions)})")


@rules.predicate
def is_unrestricted(user) -> bool:
    """Sees every region: a superuser, or an account an admin set to 不限区域."""
    return bool(is_signed_in(user) and (user.is_superuser or getattr(user, "all_regions", False)))


is_district_admin = is_signed_in & rules.is_group_member(DISTRICT_ADMIN)

# grants what widens an account's reach (superuser, 不限区域, single permissions) and any group
may_widen_scope = is_signed_in & rules.is_superuser


@rules.predicate
def may_see_personal(user) -> bool:
    """Sees ID numbers and mobiles in clear everywhere (lists, exports, API)."""
    return bool(is_signed_in(user) and user.has_perm(PERSONAL_DATA_PERMISSION))


@rules.predicate
def _holds_reveal_permission(user) -> bool:
    return bool(is_signed_in(user) and user.has_perm(REVEAL_PERMISSION))


# reveals one record's numbers at a time, giving a reason that is logged
may_reveal_personal = may_see_personal | _holds_reveal_permission


@rules.predicate
def may_export(user) -> bool:
    return bool(is_signed_in(user) and user.has_perm(EXPORT_PERMISSION))


@rules.predicate
def manages_level(user, record) -> bool:
    """The record's region lies inside the user's own: a street sees the district's (区级) groups and
    trainings to enrol its people, but only the district — or an unrestricted user — manages them."""
    if is_unrestricted(user) or record is None or getattr(record, "region_id", None) is None:
        return True
    region = getattr(user, "region", None) if is_signed_in(user) else None
    return region is not None and record.region.path.startswith(region.path)


@rules.predicate
def is_uploader(user, record) -> bool:
    """The account that uploaded an import record."""
    return bool(is_signed_in(user) and record is not None and record.user_id == user.pk)


# an import's error report holds the uploaded rows in clear: the uploader's own, or personal data in clear
may_download_import_errors = is_uploader | may_see_personal

# a district admin (or an unrestricted user) answers for the records written by the staff of their
# region (import records, the access log), not only for their own
answers_for_region_staff = is_unrestricted | is_district_admin


# the same rules under names for user.has_perm(...) and {% has_perm %} in templates
rules.add_perm("registry.see_personal_in_clear", may_see_personal)
rules.add_perm("registry.reveal_personal", may_reveal_personal)
rules.add_perm("registry.export", may_export)
rules.add_perm("registry.manage_level", manages_level)
rules.add_perm("registry.download_import_errors", may_download_import_errors)
