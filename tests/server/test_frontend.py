"""The server without a built browser app: / says how to build it (the test servers
have none; tests/server/test_guards.py serves a built one)."""

from __future__ import annotations

import httpx

from layerlab.server.routes.frontend import BUILD_COMMAND, BUILD_STEPS
from tests.server.conftest import LiveServer


def test_a_browser_is_told_how_to_build_the_app(auth_server: LiveServer) -> None:
    # No token: a person opening the page has none yet, and the page holds no secret.
    with httpx.Client(base_url=auth_server.url) as browser:
        page = browser.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert BUILD_COMMAND in page.text and BUILD_STEPS.replace("&", "&amp;") in page.text
    assert 'href="/api/docs"' in page.text


def test_an_api_client_gets_the_same_advice_as_json(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        answer = client.get("/")
        assert answer.status_code == 404
        body = answer.json()
        assert body["code"] == "frontend_not_built"
        assert BUILD_COMMAND in body["message"] and BUILD_STEPS in body["message"]
        # Only / answers so: other paths, and the API's own answers, are as before.
        assert client.get("/runs/r_0123456789ab").json()["code"] == "not_found"
        assert client.get("/api/no-such-route").json()["code"] == "not_found"
        assert client.get("/api/check").status_code == 405
