"""A web request's SQL is bounded: a query past the statement timeout is cancelled and the page says so in Chinese."""

import os
import runpy
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from config.database import statement_timeout_options
from tests.registry.slow_urls import SLEEP_SECONDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def short_statement_timeout(db):
    # the limit the web workers get from DATABASE_STATEMENT_TIMEOUT, here on the test's own connection
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '300ms'")


@pytest.mark.urls("tests.registry.slow_urls")
def test_a_cancelled_query_answers_the_chinese_503_page_not_a_hang(client_a, short_statement_timeout):
    started = time.monotonic()
    response = client_a.get("/slow-for-test/")
    assert time.monotonic() - started < SLEEP_SECONDS / 4  # cancelled at 0.3 s, not slept through
    assert response.status_code == 503
    page = response.content.decode()
    assert "查询超时" in page and "请缩小筛选范围后重试" in page
    # the connection is usable again: the next page of the same client renders
    assert client_a.get("/organizations/").status_code == 200


@pytest.mark.urls("tests.registry.slow_urls")
def test_a_cancelled_api_query_answers_json_503(client_a, short_statement_timeout):
    response = client_a.get("/api/v1/slow-for-test/")
    assert response.status_code == 503
    assert response.json() == {"detail": "查询用时过长，已被取消。请缩小筛选范围后重试；如问题持续，请联系系统管理员。"}


def _connect(options: str):
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres", options=options
    )


@pytest.mark.django_db
def test_the_setting_bounds_every_statement_of_the_process(monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "0.5")
    options = statement_timeout_options()
    with _connect(options) as bounded:
        assert bounded.execute("SHOW statement_timeout").fetchone()[0] == "500ms"
        assert bounded.execute("SHOW client_connection_check_interval").fetchone()[0] == "2s"
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            bounded.execute("SELECT pg_sleep(60)")
        assert time.monotonic() - started < 15  # a 0.5 s limit on a 60 s sleep

    # unset or 0 (the task worker, migrations, management commands): no limit
    for value in ("", "0"):
        monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", value)
        assert statement_timeout_options() == ""
    with _connect("") as unbounded:
        assert unbounded.execute("SHOW statement_timeout").fetchone()[0] == "0"


def test_gunicorn_sets_the_limit_for_its_workers_below_its_own_timeout(monkeypatch):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_STATEMENT_TIMEOUT"}
    environment.pop("PORT", None)
    monkeypatch.setattr(os, "environ", environment)
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert config["workers"] == 2
    assert config["bind"] == "127.0.0.1:8000"
    assert int(environment["DATABASE_STATEMENT_TIMEOUT"]) < config["timeout"]

    # an operator's own value wins
    environment["DATABASE_STATEMENT_TIMEOUT"] = "10"
    runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert environment["DATABASE_STATEMENT_TIMEOUT"] == "10"
