from django.db import migrations

VIEW_PERSONAL_DATA = "查看身份证号、手机号明文（详情页一键显示，接口、导出为明文，均记入访问日志）"
OLD_VIEW_PERSONAL_DATA = "查看身份证号、手机号明文（列表、导出均为明文）"


def rename(apps, name):
    # create_permissions never renames an existing permission: the stored one is updated here
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="registry", codename="view_personal_data").update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_reveal_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accesslog",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("view_personal_data", VIEW_PERSONAL_DATA),
                    ("reveal_personal_data", "逐条显示身份证号、手机号（须填写事由，记入访问日志）"),
                    ("export_data", "导出Excel"),
                ],
                "verbose_name": "个人信息访问日志",
                "verbose_name_plural": "个人信息访问日志",
            },
        ),
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, VIEW_PERSONAL_DATA),
            lambda apps, schema_editor: rename(apps, OLD_VIEW_PERSONAL_DATA),
        ),
    ]
