"""`carepulse metrics` on the real sample (twcs_first5000: 76 brands, a few tweets from 2011 and
2016 among 2017's): a table leaves out the rows of a grid metric that carry nothing and says so
on stderr, every printed row as in the full CSV; CSV and JSON hold every row; the rows as plain
values, a column at a time, equal the cell-by-cell conversion."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from etl import metrics, publish
from etl.cli import main
from tests.test_metrics import write_config


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("cli_real")
    db = out / "real.duckdb"
    config = write_config(out / "none.toml")
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(config)]) == 0
    return db


def _table_rows(out: str) -> list[list[str]]:
    """A printed table's body, each row split at its column gaps (no cell here has a space)."""
    lines = out.splitlines()
    assert set(lines[1]) <= {"-", " "}
    return [line.split() for line in lines[2:]]


def _csv(cli, db, name, *args) -> pd.DataFrame:
    code, out, err = cli("metrics", name, "--db", db, "--format", "csv", *args)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name, args, key, busy", [
    ("response-trend", ("--param", "grain=week"), "period_start",
     lambda f: f["conversations"] != "0"),
    ("heatmap", (), "hour_of_week",
     lambda f: (f["inbound_messages"] != "0") | (f["conversations"] != "0")),
])
def test_table_leaves_out_the_empty_periods_and_says_so(cli, real_db, name, args, key, busy):
    every = _csv(cli, real_db, name, *args)
    code, out, err = cli("metrics", name, "--db", real_db, *args)
    assert code == 0
    printed = _table_rows(out)
    kept = every[busy(every)]
    assert 0 < len(kept) < len(every) / 10                  # most rows of the sample are empty
    assert [(r[0], r[_column(out, key)]) for r in printed] == list(zip(kept["brand"], kept[key]))
    assert err == (f"carepulse: note: {len(every) - len(kept):,} of {len(every):,} rows left "
                   f"out: {_what(name)} (--all-rows prints them; csv and json hold every row)\n")
    code, out, err = cli("metrics", name, "--db", real_db, *args, "--all-rows")
    assert code == 0 and err == "" and len(_table_rows(out)) == len(every)


def test_response_trend_rows_printed_carry_the_csv_numbers(cli, real_db):
    every = _csv(cli, real_db, "response-trend", "--brand", "AirAsiaSupport")
    code, out, _ = cli("metrics", "response-trend", "--db", real_db, "--brand", "AirAsiaSupport")
    printed = _table_rows(out)
    kept = every[every["conversations"] != "0"]
    assert printed[0][:4] == ["AirAsiaSupport", "2011-08-29T00:00:00Z", "1", "1"]
    frt = [float(r[5].replace(",", "")) for r in printed]
    assert frt == pytest.approx(kept["frt_median_minutes"].astype(float).tolist(), abs=0.005)
    assert len(every) > 2000 > 4 == len(printed)             # 6 years of days, 4 with conversations


def test_backlog_table_keeps_every_hour_where_something_happens(cli, real_db):
    every = _csv(cli, real_db, "backlog").astype({c: int for c in
                                                  ("waiting", "stale", "arrived",
                                                   "first_responses")})
    code, out, err = cli("metrics", "backlog", "--db", real_db)
    printed = {(r[0], r[1]) for r in _table_rows(out)}
    previous_stale = every.groupby("brand")["stale"].shift(fill_value=0)
    moving = ((every["waiting"] > 0) | (every["arrived"] > 0) | (every["first_responses"] > 0)
              | (every["stale"] != previous_stale))
    assert printed == set(zip(every["brand"][moving], every["hour_at"][moving]))
    assert (every["waiting"][moving] > 0).sum() > 1000
    assert f"{(~moving).sum():,} of {len(every):,} rows left out" in err


@pytest.mark.parametrize("name, args", [
    ("response-trend", ("--param", "grain=week")), ("heatmap", ())])
def test_csv_and_json_hold_every_row(cli, real_db, name, args):
    con = publish.open_reader(real_db)
    try:
        frame = metrics.run(con, name, overrides=list(args[1:]))
    finally:
        con.close()
    assert len(_csv(cli, real_db, name, *args)) == len(frame)
    code, out, err = cli("metrics", name, "--db", real_db, *args, "--format", "json")
    assert code == 0 and err == "" and len(json.loads(out)) == len(frame)


def test_records_a_column_at_a_time_equal_cell_by_cell(real_db):
    """Every metric's frame on the real sample: timestamps, floats with NaN, ints, bools,
    text with None, in the form the JSON and CSV writers get them."""
    con = publish.open_reader(real_db)
    try:
        frames = {name: metrics.run(con, name, overrides=WEEKS.get(name))
                  for name in metrics.available()}
    finally:
        con.close()
    for name, frame in frames.items():
        reference = [{k: metrics._plain(v) for k, v in row.items()}
                     for row in frame.astype(object).to_dict(orient="records")]
        assert metrics.records(frame) == reference, name
    frame = pd.DataFrame({"at": pd.to_datetime(["2017-10-31 22:10:47.5", None], utc=True),
                          "day": [pd.Timestamp("0999-01-01", tz="UTC"),
                                  pd.Timestamp("2017-10-31", tz="UTC")]})
    assert metrics.records(frame) == [
        {"at": "2017-10-31T22:10:47.500000Z", "day": "0999-01-01T00:00:00Z"},
        {"at": None, "day": "2017-10-31T00:00:00Z"}]


def test_campaigns_without_a_calendar_say_where_events_come_from(cli, real_db):
    code, out, err = cli("metrics", "campaigns", "--db", real_db)
    assert code == 0 and out.strip().endswith("(no rows)")
    assert "no calendar events in this range" in err and "events.csv" in err


WEEKS = {"response-trend": ["grain=week"]}  # 24k rows instead of 169k days: quicker to check


def _column(out: str, name: str) -> int:
    return out.splitlines()[0].split().index(name)


def _what(name: str) -> str:
    from etl.cli_metrics import QUIET

    return QUIET[name][0]
