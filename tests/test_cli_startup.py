"""`carepulse load twcs` starts without the modules of the CLI's other commands (etl/cli.py
OWN_COMMAND); every other command line still finds every command."""
import csv
import os
import subprocess
import sys
from pathlib import Path

from etl import cli

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
          "in_response_to_tweet_id"]


def _imported_after(args: list[str]) -> tuple[int, list[str]]:
    """Run `cli.main(args)` in a fresh interpreter: its exit code and which COMMAND_MODULES
    it imported (the last line it prints, after the command's own output)."""
    code = ("import sys; from etl import cli; code = cli.main(%r); "
            "print(code, *sorted(set(cli.COMMAND_MODULES) & set(sys.modules)))" % (args,))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout.splitlines()[-1].split()
    return int(out[0]), out[1:]


def test_a_twcs_load_imports_no_other_command_module(tmp_path):
    data = tmp_path / "day.csv"
    with open(data, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            HEADER,
            ["1", "c1", "True", "Mon Sep 07 10:00:00 +0000 2026", "@AcmeHelp my order is late", "2", ""],
            ["2", "AcmeHelp", "False", "Mon Sep 07 10:05:00 +0000 2026", "@c1 sorry!", "", "1"],
        ])
    code, imported = _imported_after(["load", "twcs", str(data), "--db", str(tmp_path / "x.duckdb")])
    assert (code, imported) == (0, [])
    # another command line registers them all
    assert _imported_after(["metrics", "--list"]) == (0, sorted(cli.COMMAND_MODULES))


def test_every_command_is_still_offered():
    everything = set(cli.build_parser()._subparsers._group_actions[0].choices)
    own = set(cli.build_parser(cli.OWN_COMMAND)._subparsers._group_actions[0].choices)
    assert {"load", "demo", "dashboard", "metrics", "spikes"} <= everything
    assert own == {"load", "demo", "dashboard"}
    assert set(cli.build_parser(["load", "x-json"])._subparsers._group_actions[0].choices) \
        == everything
