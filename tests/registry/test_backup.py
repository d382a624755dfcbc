"""A backup restores into a fresh database with every row of every table, history and access log identical."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.backup import table_fingerprints
from registry.choices import AccessAction
from registry.models import AccessLog
from tests.factories import OrganizationFactory, RepresentativeFactory, UserFactory, make_region_tree


@pytest.fixture
def restored_name():
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore_check"

    def drop():
        with psycopg.connect(
            host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    drop()
    yield name
    drop()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_of_every_table(tmp_path, restored_name, capsys):
    tree = make_region_tree()
    user = UserFactory(username="backup_check", region=tree["street_a"])
    organization = OrganizationFactory(region=tree["community_a1"], name="民治慈善会")
    organization.name = "民治慈善总会"
    organization.save()
    person = RepresentativeFactory(region=tree["community_a1"], organization=organization, name="张备份")
    person.mobile = "13900001111"
    person.save()
    AccessLog.objects.create(
        user=user,
        username=user.username,
        action=AccessAction.REVEAL,
        target_model="talents.Representative",
        target_id=str(person.pk),
        target_repr=person.name,
        reason="核对",
        detail={"字段": "手机号"},
    )
    dump = tmp_path / "tongxinku.dump"
    call_command("backup_db", str(dump))
    call_command("restore_db", str(dump), database=restored_name)

    settings = connection.settings_dict
    original = table_fingerprints(settings=settings, database=settings["NAME"])
    restored = table_fingerprints(settings=settings, database=restored_name)
    assert restored == original
    counts = {table: count for table, (count, _) in original.items()}
    assert counts["registry_accesslog"] == 1
    assert counts["organizations_organizationevent"] == 2
    assert counts["talents_representativeevent"] >= 2
    assert counts["talents_representative"] == 1 and counts["registry_region"] >= 10
    assert "已恢复到数据库" in capsys.readouterr().out

    # the restored copy is append-only too: its triggers came back after the rows
    with (
        psycopg.connect(
            host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=restored_name, autocommit=True
        ) as copy,
        pytest.raises(psycopg.errors.RaiseException),
    ):
        copy.execute("DELETE FROM registry_accesslog")

    # a restore never writes into a database that exists
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore_db", str(dump), database=restored_name)


def test_restore_of_a_missing_file_is_explained(tmp_path):
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore_db", str(tmp_path / "nothing.dump"), database="never_created")
