"""Optional sign-in for the dashboard: nothing configured, the app opens (it listens on 127.0.0.1
by default); a password or an OpenID Connect provider configured, every page and every query
waits for sign-in.

Configuration (first match wins; see docs/security.md):

- `.streamlit/secrets.toml` `[auth]` with `redirect_uri` (Streamlit's built-in OIDC login,
  `st.login`): single sign-on through Google, Microsoft Entra, Okta, ...; signed-in users must
  also match `allowed_emails` or `allowed_domains`.
- `[auth] password_hash = "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>"`
  (`python -m dashboard.auth` prints one), or `[auth] password = "..."`.
- the environment variable `CAREPULSE_PASSWORD`.

`gate()` runs at the top of the router and `require()` before every query (dashboard/data.py):
a page script reached by another route (a page file run on its own, as AppTest can) still shows
nothing but the sign-in.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets as token_source
import time
from dataclasses import dataclass, field

import streamlit as st

PASSWORD_ENV = "CAREPULSE_PASSWORD"
HASH_SCHEME = "pbkdf2_sha256"
HASH_ITERATIONS = 600_000          # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
FAILURE_DELAY_S = 1.0              # slows guessing; each wrong password waits this long
_SIGNED_IN = "_carepulse_signed_in"


@dataclass(frozen=True)
class Password:
    """The configured password: plain text, or a PBKDF2 hash of it."""
    plain: str | None = field(default=None, repr=False)        # never in logs or tracebacks
    scheme_hash: str | None = field(default=None, repr=False)

    def matches(self, candidate: str) -> bool:
        if self.scheme_hash is not None:
            return verify_hash(candidate, self.scheme_hash)
        # Digests of equal length, compared in constant time: neither the content nor the
        # length of the password leaks through timing.
        want = hashlib.sha256((self.plain or "").encode()).digest()
        got = hashlib.sha256(candidate.encode()).digest()
        return hmac.compare_digest(got, want) and bool(self.plain)

    @property
    def fingerprint(self) -> str:
        """Changes when the password changes, so sessions signed in with an old one sign out."""
        material = self.scheme_hash or f"plain:{self.plain}"
        return hashlib.sha256(material.encode()).hexdigest()


def make_hash(password: str, iterations: int = HASH_ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt or token_source.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{HASH_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_hash(candidate: str, scheme_hash: str) -> bool:
    try:
        scheme, iterations, salt, digest = scheme_hash.split("$")
        if scheme != HASH_SCHEME:
            return False
        got = hashlib.pbkdf2_hmac("sha256", candidate.encode(), bytes.fromhex(salt), int(iterations))
        return hmac.compare_digest(got, bytes.fromhex(digest))
    except ValueError:
        return False


def _auth_secrets() -> dict:
    """The `[auth]` section of Streamlit's secrets, {} when there is no secrets file."""
    try:
        section = st.secrets.get("auth", {})
    except Exception:  # no secrets.toml anywhere, or one that does not parse
        return {}
    return dict(section) if hasattr(section, "keys") else {}


def oidc_configured(auth: dict | None = None) -> bool:
    auth = _auth_secrets() if auth is None else auth
    return bool(auth.get("redirect_uri"))


def configured_password(auth: dict | None = None) -> Password | None:
    auth = _auth_secrets() if auth is None else auth
    if auth.get("password_hash"):
        return Password(scheme_hash=str(auth["password_hash"]))
    if auth.get("password"):
        return Password(plain=str(auth["password"]))
    if os.environ.get(PASSWORD_ENV):
        return Password(plain=os.environ[PASSWORD_ENV])
    return None


def email_allowed(email: str | None, auth: dict) -> bool:
    """OIDC users must be listed: a provider like Google lets anyone with an account sign in."""
    if not email:
        return False
    email = email.strip().lower()
    emails = {e.strip().lower() for e in _listed(auth.get("allowed_emails"))}
    domains = {d.strip().lower().lstrip("@") for d in _listed(auth.get("allowed_domains"))}
    return email in emails or email.rsplit("@", 1)[-1] in domains


def _listed(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def signed_in() -> bool:
    """Whether this session may see data (True when no sign-in is configured)."""
    auth = _auth_secrets()
    if oidc_configured(auth):
        user = st.user
        return bool(user.get("is_logged_in")) and user.get("email_verified", True) is not False \
            and email_allowed(user.get("email"), auth)
    password = configured_password(auth)
    return password is None or st.session_state.get(_SIGNED_IN) == password.fingerprint


def gate() -> None:
    """Top of the router: returns for a signed-in session. Otherwise the only page is the
    sign-in (hidden navigation: any URL path lands on it), and the script stops there."""
    if signed_in():
        _sign_out_button()
        return
    st.navigation([st.Page(sign_in, title="Sign in", default=True)], position="hidden").run()
    st.stop()


def require() -> None:
    """Before every query: a page script reached by any other route stops at the sign-in."""
    if not signed_in():
        sign_in()
        st.stop()


def sign_in() -> None:
    """The sign-in page: the password form, or the OIDC provider's login button."""
    auth = _auth_secrets()
    st.title("CarePulse")
    if oidc_configured(auth):
        _oidc_login(auth)
    else:
        _password_form(configured_password(auth))


def _sign_out_button() -> None:
    auth = _auth_secrets()
    if oidc_configured(auth):
        st.sidebar.button("Log out", key="_carepulse_logout", on_click=st.logout)
    elif configured_password(auth) is not None:
        st.sidebar.button("Sign out", key="_carepulse_sign_out", on_click=_sign_out)


def _password_form(password: Password | None) -> None:
    if password is None:
        return
    with st.form("carepulse_sign_in"):
        candidate = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        if password.matches(candidate):
            st.session_state[_SIGNED_IN] = password.fingerprint
            st.rerun()
        time.sleep(FAILURE_DELAY_S)
        st.error("Wrong password.")


def _sign_out() -> None:
    st.session_state.pop(_SIGNED_IN, None)


def _oidc_login(auth: dict) -> None:
    user = st.user
    if user.get("is_logged_in"):
        st.error(f"{user.get('email') or 'This account'} may not open this dashboard.")
        st.button("Log out", key="_carepulse_logout_refused", on_click=st.logout)
        return
    provider = auth.get("provider")
    st.button("Log in", key="_carepulse_login",
              on_click=(lambda: st.login(provider)) if provider else st.login)


def _main() -> None:
    """`python -m dashboard.auth`: prompt for a password, print the secrets.toml lines."""
    import getpass

    first = getpass.getpass("Dashboard password: ")
    if len(first) < 12:
        raise SystemExit("use at least 12 characters")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the two passwords differ")
    print("[auth]")
    print(f'password_hash = "{make_hash(first)}"')


if __name__ == "__main__":
    _main()
