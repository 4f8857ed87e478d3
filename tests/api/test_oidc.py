"""Single sign-on against a small OpenID Connect provider run by the test (discovery, JWKS,
token endpoint with PKCE): the platform sends the browser there, exchanges the code, checks the
ID token and signs the person in — only if their account exists and is enabled."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from services.compose import build_api
from tests.api.conftest import SETTINGS, Live

CLIENT_ID, CLIENT_SECRET = "jixiao-platform", "s3cret-of-the-client"


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, str]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                        }
                    )
                elif self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                grant = provider.codes.pop(form["code"][0], None)
                verifier = form.get("code_verifier", [""])[0]
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                if (
                    grant is None
                    or form["client_secret"][0] != CLIENT_SECRET
                    or challenge != grant["challenge"]
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.issuer,
                    "aud": CLIENT_ID,
                    "sub": grant["username"],
                    "iat": now,
                    "exp": now + 300,
                    "nonce": grant["nonce"],
                    "preferred_username": grant["username"],
                    "jixiao_tenant": grant["tenant"],
                }
                token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._json({"id_token": token, "access_token": "unused", "token_type": "Bearer"})

        return Handler

    def authorize(self, location: str, tenant: str, username: str) -> str:
        """What the provider does when the person has signed in there: a code for this request."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        code = f"code-{len(self.codes)}-{username}"
        self.codes[code] = {
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "tenant": tenant,
            "username": username,
        }
        return f"{query['redirect_uri']}?" + urllib.parse.urlencode({"code": code, "state": query["state"]})


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    found = Provider()
    yield found
    found.server.shutdown()


def _client(live: Live, provider: Provider) -> TestClient:  # type: ignore[type-arg]
    settings = dataclasses.replace(
        SETTINGS, oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET
    )
    return TestClient(build_api(settings, live.database_url), base_url="http://testserver.local")


def test_single_sign_on_signs_in_a_registered_person(live: Live, provider: Provider) -> None:
    with _client(live, provider) as http:
        assert http.get("/api/v1/session/options").json() == {"password": True, "oidc": True}
        start = http.get("/api/v1/session/oidc", follow_redirects=False)
        assert start.status_code == 302 and start.headers["location"].startswith(
            f"{provider.issuer}/authorize?"
        )
        back = provider.authorize(start.headers["location"], "341182", "demo.341182")
        done = http.get(back.replace("http://testserver.local", ""), follow_redirects=False)
        assert done.status_code == 302 and done.headers["location"] == "/ui/", done.text
        me = http.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["user"] == "demo.341182"


def test_single_sign_on_refuses_strangers_replays_and_forged_state(live: Live, provider: Provider) -> None:
    with _client(live, provider) as http:
        start = http.get("/api/v1/session/oidc", follow_redirects=False)
        stranger = provider.authorize(start.headers["location"], "341182", "no.such.person")
        refused = http.get(stranger.replace("http://testserver.local", ""), follow_redirects=False)
        assert refused.status_code == 401 and "没有账户" in refused.json()["detail"]
        start = http.get("/api/v1/session/oidc", follow_redirects=False)
        back = provider.authorize(start.headers["location"], "341182", "demo.341182")
        forged = back.replace("state=", "state=x")
        assert (
            http.get(forged.replace("http://testserver.local", ""), follow_redirects=False).status_code == 400
        )
        ok = http.get(back.replace("http://testserver.local", ""), follow_redirects=False)
        assert ok.status_code == 302
        replay = http.get(
            back.replace("http://testserver.local", ""), follow_redirects=False
        )  # the code is spent
        assert replay.status_code in (400, 401)


def test_without_an_issuer_there_is_no_single_sign_on(live: Live) -> None:
    with live.client() as http:
        assert http.get("/api/v1/session/options").json()["oidc"] is False
        assert http.get("/api/v1/session/oidc", follow_redirects=False).status_code == 404
