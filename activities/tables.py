"""Column specs of the activities app: one per list, for the page, the export and the API's ?sort=."""

from registry.tables import Column, Table

ACTIVITY_THEME_TABLE = Table(
    columns=[
        Column("name", "主题名称", link=True, order_by="name", width=24),
        Column("sort_order", "排序", numeric=True, order_by="sort_order", width=8),
        Column("is_active", "启用", order_by="is_active", width=8),
    ],
    default_order=("sort_order", "name", "pk"),
    detail_url_name="activities:activitytheme_detail",
)
