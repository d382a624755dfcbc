"""The registry's own import declarations (行政区划) and the 导入记录 menu entry; loaded from RegistryConfig.ready."""

import rules
from django.core.exceptions import ValidationError

from registry import dashboard
from registry.choices import RegionLevel
from registry.importing import Code, Column, ImportSpec, RegionRef, RowRef, build_candidate, register, specs_for
from registry.models import Region
from registry.navigation import MenuItem, register_menu
from registry.services import region_create, region_update


def check_region(*, user, data, instance):
    """The level rules of Region.clean and the unique name under a parent, before anything is written."""
    region = build_candidate(Region, instance, data)
    region.clean()
    parent_is_new = isinstance(data.get("parent"), RowRef)
    if region.parent_id or parent_is_new:
        siblings = Region.objects.none() if parent_is_new else Region.objects.filter(parent_id=region.parent_id)
        if siblings.filter(name=region.name).exclude(code=region.code).exists():
            raise ValidationError({"name": f"上级区划下已有名为“{region.name}”的区划。"})


register(
    ImportSpec(
        model=Region,
        natural_key=("code",),
        columns=[
            Column("区划代码", "code", Code(), example="440309002008", help="已存在的代码将更新该区划，否则新增。"),
            Column("名称", "name", example="民治8社区"),
            Column("层级", "level", example=RegionLevel.COMMUNITY.label),
            Column(
                "上级区划代码",
                "parent",
                RegionRef(same_file=True),
                example="440309002",
                help="只有市级区划可以不填；上级必须在您的管辖区域内，或是本文件中其他行新增的区划。",
            ),
        ],
        create=region_create,
        update=region_update,
        check=check_region,
        notes=("层级须与上级相符：区/县/旗的上级是市，街道/镇的上级是区/县/旗，依此类推。",),
    )
)

# RegistryConfig.ready imports this module before it registers the registry's own menu; registering
# those first (idempotent) keeps 行政区划 above 导入记录 and the section's label and order in one place.
dashboard.register()
@rules.predicate
def may_import(user) -> bool:
    """The user may import at least one kind of record: the 导入记录 menu is theirs (a 承办单位联络人's is not)."""
    return bool(specs_for(user))


rules.add_perm("registry.import_any", may_import)
register_menu("system", "系统", 90, MenuItem("导入记录", "registry:import_list", "registry.import_any"))
