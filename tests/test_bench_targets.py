"""bench.targets: the issue's targets judged on a report, and the speed probe beside them."""
from bench import targets


def _size(rows, load_s, day_s, scan_ratio=41.0, rss_mib=2_464.5, pages=None):
    size = dict(rows=rows, load=dict(median_seconds=load_s, peak_rss_mib=rss_mib),
                incremental=dict(median_seconds=day_s), ratios=dict(load_over_scan=scan_ratio))
    if pages is not None:
        size["pages"] = dict(scenarios=[
            dict(scenario=name, pages={page: dict(warm_ms=ms) for page, ms in warm.items()})
            for name, warm in pages.items()])
    return size


def _report(*sizes, memory_gib=23.5):
    return dict(machine=dict(memory_gib=memory_gib, speed_probe_cpu_s=[0.55, 0.79]),
                sizes=list(sizes))


def _by_target(report):
    return {row["target"]: row for row in targets.verdicts(report)}


def test_each_target_is_met_or_missed_at_the_size_it_is_set_for():
    pages = {"all brands, last 30 days": {"sla": 224.4, "overview": 106.4},
             "one brand, last 30 days": {"sla": 135.8, "overview": 88.5}}
    curve, base = _size(300_000, 3.99, 1.21), _size(2_800_000, 19.21, 1.95, pages=pages)
    rows = _by_target(_report(curve, base))
    assert rows["full load ≤ 10 s"] == dict(target="full load ≤ 10 s",
                                            measured="19.21 s (1.92×)", status="missed")
    assert rows["next day ≤ 2 s"]["status"] == "met"
    all_brands = rows["pages ≤ 150 ms warm, all brands, last 30 days"]
    assert all_brands["status"] == "missed" and all_brands["measured"] == "sla 224 ms"
    assert rows["pages ≤ 150 ms warm, one brand, last 30 days"]["status"] == "met"
    assert not any("30,000,000" in target for target in rows)


def test_a_run_without_the_target_size_says_so_instead_of_judging_another_size():
    rows = targets.verdicts(_report(_size(4_000, 1.0, 0.5)))
    assert [row["status"] for row in rows] == ["not measured"]


def test_thirty_million_rows_must_fit_in_memory_and_cost_no_more_per_row():
    base = _size(2_800_000, 19.21, 2.2, scan_ratio=41.0)
    linear = _size(30_000_000, 249.0, 6.85, scan_ratio=41.6, rss_mib=12_967.2)
    steeper = _size(30_000_000, 400.0, 6.85, scan_ratio=60.0, rss_mib=12_967.2)
    too_big = _size(30_000_000, 249.0, 6.85, scan_ratio=41.6, rss_mib=30_000.0)
    target = "30,000,000 rows within memory, cost linear"
    assert _by_target(_report(base, linear))[target]["status"] == "met"
    assert _by_target(_report(base, steeper))[target]["status"] == "missed"
    assert _by_target(_report(base, too_big))[target]["status"] == "missed"
    assert "12.7 GiB" in _by_target(_report(base, linear))[target]["measured"]


def test_the_verdicts_print_with_the_speed_probe(capsys):
    targets.print_verdicts(_report(_size(2_800_000, 9.5, 2.5)))
    out = capsys.readouterr().out
    assert "speed probe 0.55 / 0.79 CPU s" in out
    assert "met          full load ≤ 10 s" in out and "missed       next day ≤ 2 s" in out


def test_the_speed_probe_measures_cpu_time():
    probe = targets.speed_probe()
    assert 0 < probe < 60
