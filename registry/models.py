"""The shared core: regions, users with a region scope, the personal-data access log."""

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.db.models.signals import class_prepared
from django.utils.functional import cached_property

from registry.choices import LEVEL_ORDER, AccessAction, RegionLevel, child_level
from registry.scoping import (
    OwnerScopedQuerySet,
    RegionScopedManager,
    RegionScopedQuerySet,
    owner_scope_condition,
)
from registry.tracking import track_history


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Raised by one on every update (registry.crud.scoped_update): an editor who started from an
    # older version is refused instead of silently reverting what someone saved meanwhile.
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


# Every UPDATE of a row that changes it raises its version — saves, queryset updates, the admin,
# scripts — unless the writer already did (scoped_update sets version = version + 1 itself).
VERSION_TRIGGER_SQL = "IF NEW.version = OLD.version THEN NEW.version := OLD.version + 1; END IF; RETURN NEW;"


def _version_trigger(sender, **kwargs):
    if issubclass(sender, TimeStampedModel) and not sender._meta.abstract and not sender._meta.proxy:
        pgtrigger.register(
            pgtrigger.Trigger(
                name="version_bump",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.AnyChange(),
                func=VERSION_TRIGGER_SQL,
            )
        )(sender)


class_prepared.connect(_version_trigger)


class DictionaryItem(models.Model):
    """Base of the small lists admins maintain (industries, specialties, categories, themes)."""

    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class RegionQuerySet(RegionScopedQuerySet):
    def streets(self):
        return self.filter(level=RegionLevel.STREET)

    def communities(self):
        return self.filter(level=RegionLevel.COMMUNITY)

    def subtree(self, region):
        """The region and everything under it: one indexed prefix filter on path."""
        return self.filter(path__startswith=region.path)


@track_history()
class Region(models.Model):
    """行政区划: city › district › street › community › grid, with a materialized path of codes."""

    scope_region_field = ""  # a region is scoped by its own path

    code = models.CharField(
        "区划代码",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\d{2,20}$", "区划代码应为2—20位数字。")],
        help_text="GB/T 2260 / GB/T 10114 风格的数字代码。",
    )
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("深度", editable=False, default=0)

    objects = RegionScopedManager.from_queryset(RegionQuerySet)()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RegionLevel.CITY, parent__isnull=True)
                | (~Q(level=RegionLevel.CITY) & Q(parent__isnull=False)),
                name="region_only_city_is_root",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_under_parent"),
        ]
        indexes = [
            models.Index(fields=["path"], name="region_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "path"], name="region_level_path_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is this row's own derived column; moving a region re-roots its subtree
        # in the same transaction so that prefix filters stay true.
        old_path = self.path if self.pk else None
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        self.depth = LEVEL_ORDER.index(self.level)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
                )

    def clean(self):
        errors = {}  # every problem at once: a form and an import row list them all in one pass
        if self.parent_id:
            expected = child_level(self.parent.level)
            if self.level != expected:
                errors["level"] = (
                    f"“{self.parent.name}”的下级应为{RegionLevel(expected).label}。"
                    if expected
                    else "网格之下不能再建下级区划。"
                )
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                errors["parent"] = "上级区划不能是其自身或其下级。"
        elif self.level and self.level != RegionLevel.CITY:
            errors["parent"] = "只有市级区划可以没有上级。"
        if errors:
            raise ValidationError(errors)

    @cached_property
    def full_name(self) -> str:
        """名称 with its ancestors below the city: 龙华区民治街道民治社区."""
        names = [r.name for r in self.ancestors(include_self=True) if r.level != RegionLevel.CITY]
        return "".join(names) or self.name

    @property
    def label(self) -> str:
        """民治街道民治社区: the name with its parent's below the district (select_related("…parent"))."""
        if self.level in (RegionLevel.COMMUNITY, RegionLevel.GRID) and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.strip("/").split("/") if code]

    def ancestors(self, *, include_self: bool = False):
        codes = self.ancestor_codes()
        if not include_self:
            codes = codes[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class ScopedUserManager(UserManager.from_queryset(RegionScopedQuerySet)):
    pass


@track_history(exclude=["password", "last_login"])
class User(AbstractUser):
    """A staff account; ``region`` is the scope of what it sees and edits."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="只能查看和编辑该区域及其下级区域的记录。",
    )
    all_regions = models.BooleanField("不限区域", default=False, help_text="由管理员设定：可查看和编辑全部区域的记录。")
    department = models.CharField("所在单位", max_length=100, blank=True)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def scope_label(self) -> str:
        if self.is_superuser or self.all_regions:
            return "全部区域"
        if self.region_id:
            return self.region.full_name
        return "未分配区域"

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]


class AccessLogQuerySet(OwnerScopedQuerySet):
    def visible_to(self, user):
        """The owner rule of import records (registry.scoping.owner_scope_condition), widened to the rows
        about a record inside the user's scope.

        The one rule of the 访问日志 page and of the admin: a street's admin sees who revealed that
        street's people (even from the district), never another street's reveals or their reasons.
        Rows without a record (exports, searches) follow their account, as import records do.
        """
        from django.apps import apps
        from django.db.models.functions import Cast

        from registry.personal import personal_fields

        condition = owner_scope_condition(user)
        if condition is None:
            return self.all()
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        for model in apps.get_models():
            if personal_fields(model) and hasattr(model.objects, "visible_to"):
                inside = model.objects.visible_to(user).annotate(pk_text=Cast("pk", models.CharField()))
                condition |= Q(target_model=model._meta.label, target_id__in=inside.values("pk_text"))
        return self.filter(condition)


class AccessLog(models.Model):
    """Who revealed or exported personal data, what, when, from where (PIPL)."""

    user = models.ForeignKey(
        User, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="access_logs"
    )
    username = models.CharField("用户名", max_length=150)
    action = models.CharField("操作", max_length=10, choices=AccessAction.choices)
    target_model = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    fields = models.CharField("字段", max_length=200, blank=True)
    reason = models.TextField("事由", blank=True)
    detail = models.JSONField("详情", default=dict, blank=True, help_text="筛选条件、行数等。")
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    path = models.CharField("页面", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息访问日志"
        verbose_name_plural = "个人信息访问日志"
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_personal_data", "查看身份证号、手机号明文（详情页一键显示，接口、导出为明文，均记入访问日志）"),
            ("reveal_personal_data", "逐条显示身份证号、手机号（须填写事由，记入访问日志）"),
            ("export_data", "导出Excel"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="accesslog_user_time_idx")]
        # Append-only in the database, so that nobody, not even with SQL, rewrites who saw what.
        # The one update allowed is the link to a deleted account going to NULL (on_delete=SET_NULL);
        # the username written beside it keeps who it was.
        triggers = [
            pgtrigger.Protect(name="accesslog_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="accesslog_no_update",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "NEW.user_id IS NOT NULL"
                    " OR (to_jsonb(OLD.*) - 'user_id') IS DISTINCT FROM (to_jsonb(NEW.*) - 'user_id')"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.username} {self.get_action_display()} {self.target_repr}"


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "校验中"
    PENDING = "pending", "待确认"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"
    FAILED = "failed", "失败"


class ImportRecordQuerySet(OwnerScopedQuerySet):
    """An import record holds the uploaded rows (personal data included), so it follows the
    uploader's scope rather than the rows': registry.scoping.owner_scope_condition."""


class ImportRecord(models.Model):
    """One Excel upload: who, when, which file, what validation found, what the commit did."""

    ACTIVE_STATUSES = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    user = models.ForeignKey(
        User, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="import_records"
    )
    username = models.CharField("用户名", max_length=150)
    model_key = models.CharField("数据类型代码", max_length=100)
    model_label = models.CharField("数据类型", max_length=50)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    # The upload is kept in the database, not under MEDIA_ROOT: the worker that validates and
    # commits it may run on another machine than the web server, and Postgres is the one thing
    # every app server and worker shares (DESIGN §6). It is emptied once the import ends; what
    # the error report needs is in ``result``.
    file_content = models.BinaryField("文件内容", null=True, blank=True, editable=False)
    # What the preview decided to write, row by row, with the versions of the records it read
    # (registry.importing.plan): the commit writes it in bulk instead of validating the file again.
    # Emptied with the file.
    plan = models.BinaryField("写入计划", null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    create_count = models.PositiveIntegerField("新增", default=0)
    update_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    message = models.TextField("说明", blank=True)
    # What the preview shows and the error report is built from: the file's headers, each bad
    # row with its cells and reasons, the rows to create and the field changes of each update.
    result = models.JSONField("校验结果", default=dict, blank=True)
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="importrecord_time_idx"),
            models.Index(fields=["user", "-created_at"], name="importrecord_user_time_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="importrecord_progress_lte_100")]

    def __str__(self):
        return f"{self.model_label} · {self.file_name}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def valid_count(self) -> int:
        return self.create_count + self.update_count + self.unchanged_count


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期"


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A job is its owner's alone: anyone else, a superuser included, gets a 404 (the file holds their view)."""
        return self.filter(user=user) if user.is_authenticated else self.none()


class ExportJob(models.Model):
    """An export too large for a request: written by the task worker, kept for its owner for a limited time."""

    ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)

    user = models.ForeignKey(User, verbose_name="导出人", on_delete=models.CASCADE, related_name="export_jobs")
    exporter = models.CharField("导出器", max_length=100)
    title = models.CharField("导出内容", max_length=200)
    # what the exporter needs to rebuild the rows in the worker (the list and its query string)
    options = models.JSONField("选项", default=dict, blank=True)
    description = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress_done = models.PositiveIntegerField("已写行数", default=0)
    progress_total = models.PositiveIntegerField("预计行数", null=True, blank=True)
    row_count = models.PositiveIntegerField("行数", default=0)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    # the access log rows written each time the file leaves the server (at download), not when it is made
    access_entries = models.JSONField("访问日志内容", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("保留至", null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="exportjob_user_time_idx"),
            models.Index(fields=["expires_at"], name="exportjob_expires_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)


class ExportFileChunk(models.Model):
    """One piece of a finished export's file, kept in the database every app server and worker shares.

    In pieces so that neither the worker storing it nor the server sending it holds the whole file in memory.
    """

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("序号")
    data = models.BinaryField("内容")

    class Meta:
        verbose_name = "导出文件片段"
        verbose_name_plural = "导出文件片段"
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="exportfilechunk_job_index_unique")]

    def __str__(self):
        return f"{self.job_id}#{self.index}"
