"""Roles are Django groups; this module declares what each one may do.

Domain apps announce themselves through their registry.catalog entries (``register_domain_app``),
so the registry never names them. Permissions are granted after every migrate, add-only,
so an admin's extra grants survive.
"""

DISTRICT_ADMIN = "区级管理员"
STREET_STAFF = "街道工作人员"
ANALYST = "分析员"
VIEWER = "只读"
ROLE_NAMES = [DISTRICT_ADMIN, STREET_STAFF, ANALYST, VIEWER]

# actions on every model of the domain apps, plus named extra permissions
ROLE_GRANTS = {
    DISTRICT_ADMIN: {
        "actions": ["view", "add", "change", "delete"],
        "extra": [
            "registry.view_personal_data",
            "registry.reveal_personal_data",
            "registry.export_data",
            "registry.view_accesslog",
            "registry.view_region",
            "registry.add_region",
            "registry.change_region",
            "registry.view_user",
            "registry.add_user",
            "registry.change_user",
        ],
    },
    STREET_STAFF: {
        "actions": ["view", "add", "change"],
        # street staff see masked numbers and reveal one person's at a time, with a reason
        "extra": ["registry.export_data", "registry.view_region", "registry.reveal_personal_data"],
    },
    ANALYST: {"actions": ["view"], "extra": ["registry.export_data", "registry.view_region"]},
    VIEWER: {"actions": ["view"], "extra": ["registry.view_region"]},
}

_domain_apps: list[str] = []
# (app_label, model_name) → role → actions, for a model whose grants differ from its app's (an admins' list)
_model_grants: dict[tuple[str, str], dict[str, list[str]]] = {}


def register_role(name: str, *, extra: list[str] | None = None) -> None:
    """A role an app adds (e.g. an outside unit's contact): no actions on any model unless a catalog
    entry's ``role_actions`` names it; ``extra`` named permissions as in ROLE_GRANTS."""
    if name not in ROLE_GRANTS:
        ROLE_GRANTS[name] = {"actions": [], "extra": list(extra or [])}
        ROLE_NAMES.append(name)


def register_domain_app(app_label: str) -> None:
    if app_label not in _domain_apps:
        _domain_apps.append(app_label)


def domain_apps() -> list[str]:
    return list(_domain_apps)


def register_model_grants(app_label: str, model_name: str, grants: dict[str, list[str]]) -> None:
    """``grants`` (role → actions) replace ROLE_GRANTS' actions for this one model; a role not named gets none."""
    _model_grants[(app_label, model_name)] = {role: list(actions) for role, actions in grants.items()}


def role_actions(role: str, app_label: str, model_name: str) -> list[str]:
    """The actions ``role`` has on one model of a domain app."""
    grants = _model_grants.get((app_label, model_name))
    return list(grants.get(role, [])) if grants is not None else list(ROLE_GRANTS[role]["actions"])


def role_permissions(role: str):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    grants = ROLE_GRANTS[role]
    query = Q(pk__in=[])
    # a role with no actions of its own (an app's contact role) gets only its entries' grants: an empty Q
    # would match every permission
    if _domain_apps and grants["actions"]:
        actions = Q()
        for action in grants["actions"]:
            actions |= Q(codename__startswith=f"{action}_")
        own_grants = Q(pk__in=[])
        for app_label, model_name in _model_grants:
            own_grants |= Q(content_type__app_label=app_label, content_type__model=model_name)
        query |= Q(content_type__app_label__in=_domain_apps) & actions & ~own_grants
    for (app_label, model_name), model_grants in _model_grants.items():
        codenames = [f"{action}_{model_name}" for action in model_grants.get(role, [])]
        query |= Q(content_type__app_label=app_label, content_type__model=model_name, codename__in=codenames)
    for full in grants["extra"]:
        app_label, codename = full.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_roles(**kwargs) -> None:
    """Create the role groups and grant their declared permissions (add-only)."""
    from django.contrib.auth.models import Group

    for role in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*role_permissions(role))
