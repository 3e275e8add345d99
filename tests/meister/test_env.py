"""The settings' environment readers refuse bad values loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from meister.env import env_bool, env_database, env_int, env_list, env_redis, env_str


@pytest.mark.parametrize("raw, value", [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False)])
def test_env_bool_reads_true_and_false(raw, value):
    assert env_bool("FLAG", False, environ={"FLAG": raw}) is value


def test_env_bool_default_when_unset():
    assert env_bool("FLAG", True, environ={}) is True


@pytest.mark.parametrize("raw", ["maybe", "ture", "2"])
def test_env_bool_refuses_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", False, environ={"FLAG": raw})


def test_env_int():
    assert env_int("N", 5, environ={"N": " 42 "}) == 42
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 5, environ={"N": "4.2"})
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 5, minimum=0, environ={"N": "-1"})


def test_env_list():
    assert env_list("HOSTS", ["a"], environ={"HOSTS": "x.example, y.example"}) == ["x.example", "y.example"]
    assert env_list("HOSTS", ["a"], environ={}) == ["a"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("HOSTS", [], environ={"HOSTS": "x.example,,y"})


def test_secret_from_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    assert env_str("SECRET_KEY", environ={"SECRET_KEY_FILE": str(secret)}) == "s3cret"


def test_secret_file_missing_or_doubled(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_str("SECRET_KEY", environ={"SECRET_KEY_FILE": str(tmp_path / "absent")})
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str("SECRET_KEY", environ={"SECRET_KEY": "a", "SECRET_KEY_FILE": "b"})


def test_env_database_postgres_and_sqlite():
    pg = env_database("DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": "postgres://u:p@db:5432/meister"})
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "meister",
        "db",
        5432,
    )
    assert pg["OPTIONS"]["options"] == "-c from_collapse_limit=11 -c join_collapse_limit=11"
    lite = env_database("DATABASE_URL", "sqlite:////tmp/x.db", environ={})
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert "options" not in lite.get("OPTIONS", {})


def test_env_database_keeps_the_urls_own_server_options():
    url = "postgres://u@db/meister?options=-c%20statement_timeout%3D5000"
    pg = env_database("DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": url})
    assert pg["OPTIONS"]["options"] == "-c statement_timeout=5000 -c from_collapse_limit=11 -c join_collapse_limit=11"


@pytest.mark.django_db
def test_the_planner_may_reorder_a_scoped_page_query():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        joins = cursor.fetchone()[0]
        cursor.execute("SHOW from_collapse_limit")
        assert (joins, cursor.fetchone()[0]) == ("11", "11")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url", "postgres://u@h:5432/"])
def test_env_database_refuses_other_urls(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": url})


def test_env_redis():
    assert env_redis("REDIS_URL", environ={"REDIS_URL": "redis://r:6379/0"}) == "redis://r:6379/0"
    assert env_redis("REDIS_URL", environ={}) is None
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        env_redis("REDIS_URL", environ={"REDIS_URL": "http://r:6379"})
