"""The four role groups; their permissions are granted by registry.roles.sync_roles after migrate."""

from django.db import migrations

ROLE_NAMES = ["区级管理员", "街道工作人员", "分析员", "只读"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
