"""Two pytest runs on one test database (noticed bugs, item 10): the second used to drop or
flush the first one's tables under it and the two deadlocked. Now each run holds a PostgreSQL
advisory lock on its test database name for the whole session; a second run on the same name
stops at once with a message that says what to do, and ``AMMED_TEST_DB_SUFFIX`` gives a run its
own database. CI (one run at a time, no suffix) is unchanged."""

from __future__ import annotations

import copy

import pytest
from db_guard import (
    SUFFIX_ENV,
    DatabaseBusy,
    lock_test_database,
    name_for_tests,
    with_suffix,
)
from django.conf import settings


def test_the_suffix_gives_a_run_its_own_test_database() -> None:
    dbs = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "h_bugs", "TEST": {}}}
    assert name_for_tests(dbs["default"]) == "test_h_bugs"
    moved = with_suffix(copy.deepcopy(dbs), "run2")
    assert name_for_tests(moved["default"]) == "test_h_bugs_run2"
    assert name_for_tests(dbs["default"]) == "test_h_bugs"  # the input is left alone
    assert with_suffix(copy.deepcopy(dbs), "") == dbs


def test_an_explicit_test_name_takes_the_suffix_too() -> None:
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "TEST": {"NAME": "t_x"}}
    assert name_for_tests(with_suffix({"default": db}, "b")["default"]) == "t_x_b"


@pytest.mark.postgres
def test_a_second_run_on_the_same_test_database_stops_with_a_clear_message() -> None:
    db = copy.deepcopy(settings.DATABASES["default"])
    db["TEST"] = {"NAME": "test_guard_probe_db"}
    held = lock_test_database(db)
    assert held is not None
    try:
        with pytest.raises(DatabaseBusy) as err:
            lock_test_database(db)
        assert "test_guard_probe_db" in str(err.value) and SUFFIX_ENV in str(err.value)
    finally:
        held.close()
    again = lock_test_database(db)  # released with its connection
    assert again is not None
    again.close()


@pytest.mark.postgres
@pytest.mark.django_db
def test_this_run_holds_the_lock_on_its_own_test_database() -> None:
    db = copy.deepcopy(settings.DATABASES["default"])
    db["TEST"] = {"NAME": settings.DATABASES["default"]["NAME"]}  # the live test database
    with pytest.raises(DatabaseBusy):
        lock_test_database(db)


def test_sqlite_needs_no_lock() -> None:
    assert lock_test_database({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}) is None
