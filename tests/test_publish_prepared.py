"""publish.prepared(): the writer lock taken early and the private copy made in the background
(the CLI overlaps it with its imports); the publish stays atomic and leaves nothing behind."""
import duckdb
import pytest

from etl import publish
from etl.errors import EtlError


def _database(path, rows):
    con = duckdb.connect(str(path))
    con.execute("create table t as select range as n from range($rows)", {"rows": rows})
    con.close()


def _count(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from t").fetchall()[0][0]
    finally:
        con.close()


def test_the_writer_uses_the_prepared_copy_and_publishes(tmp_path):
    db = tmp_path / "carepulse.duckdb"
    _database(db, 10)
    with publish.prepared(db):
        with publish.writer(db) as con:
            con.execute("insert into t select 10")
        with publish.writer(db) as con:        # a second publish under the same lock
            con.execute("insert into t select 11")
    assert _count(db) == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carepulse.duckdb",
                                                          "carepulse.duckdb.etl-lock"]


def test_an_unused_or_failed_copy_is_removed_and_the_database_kept(tmp_path):
    db = tmp_path / "carepulse.duckdb"
    _database(db, 10)
    before = db.read_bytes()
    with pytest.raises(EtlError):
        with publish.prepared(db):
            raise EtlError("the input file is unreadable")
    with pytest.raises(RuntimeError):
        with publish.prepared(db):
            with publish.writer(db) as con:
                con.execute("insert into t select 10")
                raise RuntimeError("the load failed")
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))
    with publish.writer(db) as con:             # the lock was released
        con.execute("insert into t select 10")
    assert _count(db) == 11


def test_a_second_load_is_refused_while_one_is_prepared(tmp_path):
    db = tmp_path / "carepulse.duckdb"
    _database(db, 1)
    with publish.prepared(db):
        with pytest.raises(EtlError, match="another load is running"):
            with publish.prepared(db):
                pass


def test_a_first_load_creates_the_database(tmp_path):
    db = tmp_path / "new" / "carepulse.duckdb"
    with publish.prepared(db):
        with publish.writer(db) as con:
            con.execute("create table t as select 1 as n")
    assert _count(db) == 1


def test_building_parses_before_the_copy_is_attached(tmp_path):
    """publish.building: temp tables made before open() (a load parses its first file while the
    copy is made) are there after it; every table, the cursors' too, is the copy's."""
    db = tmp_path / "carepulse.duckdb"
    _database(db, 10)
    with publish.prepared(db):
        with publish.building(db) as build:
            build.con.execute("create temp table staged as select 100 + range as n from range(3)")
            con = build.open()
            assert build.open() is con                        # opened once
            cursor = con.cursor()
            cursor.execute("insert into t select 10")
            cursor.close()
            con.execute("insert into t select n from staged")
            assert con.execute("select count(*) from load_runs").fetchall() == [(0,)]   # the schema
    assert _count(db) == 14
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carepulse.duckdb",
                                                          "carepulse.duckdb.etl-lock"]


def test_a_building_never_opened_or_failed_before_opening_leaves_the_database(tmp_path):
    db = tmp_path / "carepulse.duckdb"
    _database(db, 10)
    before = db.read_bytes()
    with publish.prepared(db):
        with publish.building(db) as build:
            build.con.execute("create temp table staged as select 1 as n")
    with pytest.raises(EtlError):
        with publish.building(db) as build:
            raise EtlError("the input file is unreadable")
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))
