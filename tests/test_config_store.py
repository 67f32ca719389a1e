"""The configuration and the event calendar are stored again only when their files (or the code
that stores them) changed (etl/derive.py store_configuration); otherwise a load leaves the
stored tables, which hold the same rows, alone."""
from __future__ import annotations

import pytest

from etl import business_hours, config, derive, events
from tests.test_events import HEADER, _write_source

TABLES = ("config_brands", "config_schedules", "config_hours", "config_holidays", "config_sla",
          "events")


def _load(cli, source, db):
    code, _, err = cli("load", "twcs", source / "twcs.csv", "--db", db,
                       "--config", source / "carepulse.toml")
    assert code == 0, err


def _stored(read_db, db) -> dict:
    return {t: read_db(db, f"select * from {t} order by all") for t in TABLES}  # sql-identifier: test constants


def _refuse_to_store(monkeypatch):
    def refuse(*_):
        pytest.fail("stored the configuration again")

    monkeypatch.setattr(business_hours, "store", refuse)
    monkeypatch.setattr(events, "store", refuse)


def test_unchanged_files_are_not_stored_again(cli, tmp_path, db, read_db, monkeypatch):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    before = _stored(read_db, db)
    assert before["events"] and before["config_sla"]
    _refuse_to_store(monkeypatch)
    _load(cli, source, db)
    assert _stored(read_db, db) == before


def test_changed_files_are_stored_again(cli, tmp_path, db, read_db):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    (source / "carepulse.toml").write_text("[sla]\ntargets_minutes = [30]\n")
    _load(cli, source, db)
    assert read_db(db, "select target_minutes from config_sla") == [(30.0,)]
    (source / "events.csv").write_text(HEADER)
    _load(cli, source, db)
    assert read_db(db, "select count(*) from events") == [(0,)]
    assert read_db(db, "select count(*) from event_matches") == [(0,)]


def test_a_removed_calendar_is_stored_as_none(cli, tmp_path, db, read_db):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    (source / "events.csv").unlink()
    _load(cli, source, db)
    assert read_db(db, "select count(*) from events") == [(0,)]


def test_changed_storing_code_stores_again(cli, tmp_path, db, read_db, monkeypatch):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    stored = []
    keep = business_hours.store
    monkeypatch.setattr(business_hours, "store", lambda *a: stored.append(1) or keep(*a))
    monkeypatch.setattr(derive, "source_digest",
                        lambda c: "another version of the code " + config.source_digest(c))
    _load(cli, source, db)
    assert stored == [1]


def test_the_digest_follows_file_contents(tmp_path):
    source = _write_source(tmp_path)
    first = config.source_digest(config.load_config(source / "carepulse.toml"))
    (source / "events.csv").write_text(HEADER)
    second = config.source_digest(config.load_config(source / "carepulse.toml"))
    (source / "events.csv").unlink()
    third = config.source_digest(config.load_config(source / "carepulse.toml"))
    assert len({first, second, third}) == 3
