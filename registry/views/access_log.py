"""个人信息访问日志: who revealed, searched for or exported personal data — a filtered, exportable list for admins."""

import django_filters
from django.apps import apps

from registry.choices import AccessAction
from registry.filters import ScopedFilterSet
from registry.forms import DateInput
from registry.models import AccessLog, User
from registry.tables import Column, Table
from registry.views.generic import ObjectExportView, ObjectListView


def access_log_list(*, user):
    """The rows the user may see: AccessLog.objects.restrict, the same rule as the admin's."""
    return AccessLog.objects.restrict(user, "view").select_related("user")


def model_label(label: str) -> str:
    """talents.Representative → 代表人士 (the label itself when the model is gone)."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def target_model_choices():
    labels = AccessLog.objects.order_by().values_list("target_model", flat=True).distinct()
    return sorted(((label, model_label(label)) for label in labels if label), key=lambda pair: pair[1])


class AccessLogFilter(ScopedFilterSet):
    search_fields = ("username__contains", "target_repr__contains", "reason__contains")
    search_placeholder = "用户名、对象或事由"

    user = django_filters.ModelChoiceFilter(queryset=User.objects.order_by("username"), label="用户")
    action = django_filters.ChoiceFilter(choices=AccessAction.choices, label="操作")
    target_model = django_filters.ChoiceFilter(choices=target_model_choices, label="对象类型")
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="起始日期", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="截止日期", widget=DateInput()
    )

    class Meta:
        model = AccessLog
        fields = ["q", "user", "action", "target_model", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["user"].field.label_from_instance = lambda u: f"{u.display_name}（{u.username}）"


ACCESS_LOG_TABLE = Table(
    columns=[
        Column("created_at", "时间", order_by="created_at", width=18),
        Column("user", "用户", accessor=lambda log: log.user.display_name if log.user else log.username, width=16),
        Column("username", "用户名", order_by="username", width=12),
        Column("action", "操作", order_by="action", width=16),
        Column("target_model", "对象类型", accessor=lambda log: model_label(log.target_model), width=12),
        Column("target_repr", "对象", order_by="target_repr", width=24),
        Column("target_id", "对象编号", in_table=False, width=10),
        Column("fields", "字段", width=12),
        Column("reason", "事由", width=30),
        Column("ip_address", "IP地址", width=16),
        Column("path", "页面", in_table=False, width=40),
        Column("detail", "详情", accessor=lambda log: log.detail or "", in_table=False, width=40),
    ],
    default_order=("-created_at", "-pk"),
    per_page=50,
)


class AccessLogListView(ObjectListView):
    model = AccessLog  # the view permission: registry.view_accesslog (区级管理员; superusers)
    filterset_class = AccessLogFilter
    table = ACCESS_LOG_TABLE
    title = "个人信息访问日志"
    template_name = "registry/accesslog_list.html"

    selector = staticmethod(access_log_list)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"can_add": False, "create_url": None})
        return context


class AccessLogExportView(AccessLogListView, ObjectExportView):
    pass
