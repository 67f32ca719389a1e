"""`carepulse`: the command line users script against.

    carepulse load twcs FILE... [--db PATH]
    carepulse demo [--db PATH] [--rows N] [--seed S]
    carepulse dashboard [--db PATH] [--port N]

The database is --db, else $CAREPULSE_DB, else ./carepulse.duckdb. Errors print one line and exit
non-zero; the database is left as it was.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from etl import settings
from etl.errors import EtlError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except (EtlError, OSError) as exc:     # OSError: disk full, permission denied
        print(f"carepulse: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("carepulse: interrupted; the database is unchanged", file=sys.stderr)
        return 130


def run() -> None:
    """The `carepulse` command: `main`, then exit without tearing the interpreter down.

    Once `main` has returned, its work is on disk (a load has published, fsynced and renamed)
    and its output is flushed below; unloading modules and freeing DuckDB's memory one object
    at a time only delays the exit (0.2-0.3 s after a one-day load into 2.8M rows). Errors
    that escape `main` (argparse's exit, a bug's traceback) take the ordinary way out."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def one_line(message: str) -> str:
    """An error as one printable line: control characters (a file's garbage header) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


# Further commands live in their own modules, each with `register(subparsers, load_kinds)`.
COMMAND_MODULES: tuple[str, ...] = ("etl.cli_x", "etl.cli_metrics", "etl.cli_spikes")
# A command line that starts so can ask for none of their commands (their `load` kinds are
# other words), so they are not imported: compiling them costs ~6-10 ms at the start of every
# twcs load, where nothing overlaps it (this machine keeps no bytecode, and under `python -m
# etl.cli` cli_x compiled this module a second time).
OWN_COMMAND = ["load", "twcs"]


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The CLI's parser: every command, or, for `argv` starting with OWN_COMMAND, only this
    module's."""
    parser = argparse.ArgumentParser(prog="carepulse", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    load_kinds = _add_load(sub)
    _add_demo(sub)
    _add_dashboard(sub)
    if argv is None or argv[:len(OWN_COMMAND)] != OWN_COMMAND:
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(sub, load_kinds)
    return parser


def db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"DuckDB file (default ${settings.DB_ENV} or ./{settings.DEFAULT_DB})")


def config_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help=f"carepulse.toml (default ${settings.CONFIG_ENV} or ./carepulse.toml)")


def _add_load(sub):
    load = sub.add_parser("load", help="load interaction history into the database")
    kinds = load.add_subparsers(dest="kind")
    twcs = kinds.add_parser("twcs", help='files in the "Customer Support on Twitter" CSV format')
    twcs.add_argument("files", nargs="+", metavar="FILE")
    db_arg(twcs)
    config_arg(twcs)
    twcs.add_argument("--json", action="store_true", help="print the run summary as JSON")
    twcs.set_defaults(func=cmd_load_twcs)
    return kinds


def _add_demo(sub) -> None:
    demo = sub.add_parser("demo", help="generate realistic demo data and load it")
    db_arg(demo)
    demo.add_argument("--rows", type=int, default=150_000, help="approximate rows (default 150000)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--days", type=int, default=90)
    demo.set_defaults(func=cmd_demo)


def _add_dashboard(sub) -> None:
    dash = sub.add_parser("dashboard", help="start the Streamlit dashboard")
    db_arg(dash)
    dash.add_argument("--port", type=int, default=8501)
    dash.add_argument("--address", default="127.0.0.1",
                      help="address to bind (default 127.0.0.1: this machine only)")
    dash.set_defaults(func=cmd_dashboard)


class StageProgress:
    """A one-line progress bar over the stages of a load, on stderr."""

    def __init__(self, stages: int, stream=None):
        stream = stream or sys.stderr
        self.stages, self.done, self.stream = max(stages, 1), 0, stream
        self.started = time.monotonic()
        self.tty = stream.isatty()

    def __call__(self, label: str) -> None:
        self.done = min(self.done + 1, self.stages)
        filled = int(24 * self.done / self.stages)
        bar = "#" * filled + "-" * (24 - filled)
        line = f"[{bar}] {self.done}/{self.stages} {time.monotonic() - self.started:6.1f}s {label}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def cmd_load_twcs(args) -> int:
    from etl import publish

    db = settings.db_path(args.db)
    with publish.prepared(db):   # the private copy of the database overlaps the imports below
        from etl import load
        from etl.config import load_config

        config = load_config(args.config)
        progress = StageProgress(3 * len(args.files) + 1)
        try:
            runs = load.load_twcs(db, args.files, progress, config)
        finally:
            progress.close()
    print_runs(runs, db, as_json=args.json)
    return 0


def print_runs(runs, db: Path, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps([r.as_dict() for r in runs], indent=2))
        return
    for r in runs:
        print(
            f"{r.file}: read {r.rows_read:,} · loaded {r.rows_loaded:,} · "
            f"duplicates {r.rows_duplicate:,} · rejected {r.rows_rejected:,}"
        )
    if any(r.rows_rejected for r in runs):
        print(f"rejected rows and their reasons: table `rejected` in {db}")
    print(f"database: {db}")


def cmd_demo(args) -> int:
    from etl import demo, load
    from etl.config import load_config

    db = settings.db_path(args.db)
    out_dir = db.parent / "demo_source"
    started = time.monotonic()
    info = demo.generate(out_dir, rows=args.rows, seed=args.seed, days=args.days)
    print(f"generated {info.get('rows', args.rows):,} demo rows in "
          f"{time.monotonic() - started:.1f}s into {out_dir}")
    progress = StageProgress(4)
    try:
        runs = load.load_twcs(db, [out_dir / "twcs.csv"], progress,
                              load_config(out_dir / "carepulse.toml"))
    finally:
        progress.close()
    print_runs(runs, db)
    return 0


def cmd_dashboard(args) -> int:
    db = settings.db_path(args.db).resolve()
    if not db.exists():
        raise EtlError(f"{db}: no database yet; run `carepulse demo` or `carepulse load twcs FILE` first")
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    # The dashboard needs no API tokens: X_* credentials stay out of its process.
    env = {k: v for k, v in os.environ.items() if not k.startswith("X_")}
    env[settings.DB_ENV] = str(db)
    local = args.address in LOOPBACK
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        # reachable from other machines: tracebacks (paths, SQL) go to the console only
        "--client.showErrorDetails", "full" if local else "type",
    ]
    print(f"CarePulse dashboard on http://{args.address}:{args.port}  (database {db})")
    if not local and not sign_in_configured():
        print(f"carepulse: warning: {args.address} lets other machines in and no sign-in is "
              "configured (CAREPULSE_PASSWORD or [auth] in .streamlit/secrets.toml; "
              "see docs/security.md)", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # exec, not a child process: a signal to this process (Ctrl-C, a test's terminate()) reaches
    # the server itself instead of leaving it running as an orphan
    os.execve(sys.executable, cmd, env)
    return 0   # not reached


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def sign_in_configured() -> bool:
    """Whether the dashboard will ask for sign-in (dashboard/auth.py reads the same places)."""
    if os.environ.get("CAREPULSE_PASSWORD"):
        return True
    for path in (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit" / "secrets.toml"):
        try:
            auth = tomllib.loads(path.read_text(encoding="utf-8")).get("auth", {})
        except (OSError, ValueError):
            continue
        if any(auth.get(k) for k in ("password", "password_hash", "redirect_uri")):
            return True
    return False


if __name__ == "__main__":
    run()
