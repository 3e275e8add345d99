"""A real OpenID Connect provider for the single sign-on tests: `tests/node/provider.mjs` (the npm package
oidc-provider, installed by `make setup-test`) in a Node process of its own, on a free port, with one client for
the portal and a few school accounts; stopped when the test ends.

The provider keeps the real time. Tests whose clock is elsewhere (the demo's day) sign in inside `real_clock()`,
so that the portal reads the ID token's times as the provider wrote them.
"""

import contextlib
import datetime
import html
import json
import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
import time_machine

NODE_DIR = Path(__file__).parent / "node"
CLIENT_ID = "meister-portal"
CLIENT_SECRET = "portal-client-secret-for-tests"
DOMAIN = "hikone.example.jp"
# Accounts of the school's tenant, by login name.
ACCOUNTS = {
    "yamada": {"email": f"yamada@{DOMAIN}", "email_verified": True, "name": "山田 太郎"},
    "mori": {"email": f"mori@{DOMAIN}", "email_verified": False, "name": "森 花子"},
    "stranger": {"email": f"stranger@{DOMAIN}", "email_verified": True, "name": "未登録 一郎"},
    "outsider": {"email": "tanaka@mail.example.com", "email_verified": True, "name": "田中 次郎"},
    # Students' accounts of the same tenant.
    "inoue": {"email": f"inoue@{DOMAIN}", "email_verified": True, "name": "井上 さくら"},
    "ueda": {"email": f"ueda@{DOMAIN}", "email_verified": False, "name": "上田 蓮"},
    "newcomer": {"email": f"newcomer@{DOMAIN}", "email_verified": True, "name": "新入 生"},
}


@dataclass
class Provider:
    issuer: str
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_provider(*, redirect_uris: list[str], id_token_ttl: int = 3600):
    if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OpenID Connect provider is not installed: run `make setup-test` (npm ci in tests/node)")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    settings = {
        "port": port,
        "issuer": issuer,
        "idTokenTtl": id_token_ttl,
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}],
        "accounts": ACCOUNTS,
    }
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            ["node", "provider.mjs", json.dumps(settings)],
            cwd=NODE_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            line = process.stdout.readline()  # "ready <issuer>", or nothing when it could not start
            if not line.startswith("ready"):
                process.wait(10)
                log.seek(0)
                pytest.fail(f"the test OpenID Connect provider did not start: {log.read()[-2000:]}")
            yield Provider(issuer=issuer, port=port)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


def real_now() -> datetime.datetime:
    now = time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else time.time()
    return datetime.datetime.fromtimestamp(now, tz=datetime.UTC)


@contextlib.contextmanager
def real_clock(ahead: datetime.timedelta = datetime.timedelta(0)):
    """The portal's clock on the real time (the provider's), or `ahead` of it, while the block runs."""
    with time_machine.travel(real_now() + ahead, tick=True):
        yield


def provider_sign_in(authorization_url: str, login: str, *, back_to: str = "http://testserver/") -> str:
    """Sign in at the provider's own page as a person would, and return the address it sends the browser back to.

    On the real clock: the provider's cookies expire by the real time, and a cookie jar on a moved clock would drop
    them as long gone."""
    with real_clock():
        return _provider_sign_in(authorization_url, login, back_to)


def _provider_sign_in(authorization_url: str, login: str, back_to: str) -> str:
    browser = requests.Session()
    page = browser.get(authorization_url, timeout=10)
    page.raise_for_status()
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
    response = browser.post(
        urljoin(page.url, action), data={"prompt": "login", "login": login, "password": "any"}, allow_redirects=False
    )
    for _hop in range(10):
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(back_to):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
