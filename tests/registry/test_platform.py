"""The platform: production settings pass check --deploy, migrations are complete, Chinese trigrams."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "APP_ENV": "production",
            "SECRET_KEY": "x" * 20 + "production-secret-key-for-check-0123456789",
            "ALLOWED_HOSTS": "tongxin.example.gov.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage(
        "check", env_extra={"APP_ENV": "production", "SECRET_KEY": "", "ALLOWED_HOSTS": "tongxin.example.gov.cn"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_database_is_utf8_with_chinese_trigrams():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] == "UTF8"
        cursor.execute("SELECT show_trgm('龙华区社会组织')")
        assert len(cursor.fetchone()[0]) > 0


@pytest.mark.django_db
def test_role_groups_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    perms = {
        g.name: set(g.permissions.values_list("content_type__app_label", "codename"))
        for g in Group.objects.prefetch_related("permissions")
    }
    assert set(perms) >= {"区级管理员", "街道工作人员", "分析员", "只读"}
    assert ("registry", "view_personal_data") in perms["区级管理员"]
    assert ("registry", "export_data") in perms["分析员"]
    assert ("registry", "export_data") not in perms["只读"]
    assert ("registry", "view_personal_data") not in perms["街道工作人员"]
    assert ("registry", "reveal_personal_data") in perms["街道工作人员"]
    assert not any(code.startswith(("add_", "change_", "delete_")) for _, code in perms["分析员"])
    assert not any(code.startswith(("add_", "change_", "delete_")) for _, code in perms["只读"])
