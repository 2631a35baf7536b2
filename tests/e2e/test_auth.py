"""With a token configured (auth on), the browser works as without: the token given once
in the address is kept by this browser, and every request carries it: the server's meta
(the training form, the gradient colour rule), the catalog, a run's page."""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import WebSocketRoute, expect

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import deselect, open_preset
from tests.e2e.runs import Rest, moons_document, screenshot
from tests.e2e.server import Server

TOKEN = secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def token_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("token-server"), token=TOKEN)
    srv.start()
    yield srv
    srv.stop()


def _event(seq: int, kind: str, step: int) -> dict[str, Any]:
    return {"seq": seq, "run": "", "type": kind, "step": step, "epoch": 0, "time": step / 10}


def test_with_a_token_the_training_form_and_the_gradient_rule_load(
    browser: Any, token_server: Server, console: Console, request: pytest.FixtureRequest
) -> None:
    # Auth is really on: without the token the server refuses.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(token_server.url + "/api/meta", timeout=10)
    assert refused.value.code == 401
    rest = Rest(token_server.url, token=TOKEN)
    rule = rest.call("GET", "/api/meta")["gradients"]

    with page_for_test(browser, token_server.url, console, request) as page:
        page.goto(f"/?token={TOKEN}")
        expect(page.get_by_test_id("palette-item-Conv2d")).to_be_visible()
        assert "token" not in page.url  # kept by the browser, out of the address
        open_preset(page, "mlp_playground")
        deselect(page)
        # The server's training form, not a stand-in: every field of its schema.
        expect(page.get_by_test_id("training-loading")).to_have_count(0)
        expect(page.get_by_test_id("training-epochs")).to_have_value("30")
        expect(page.get_by_test_id("training-clip_grad_norm")).to_have_count(1)

        # A run's page colours gradients by the served rule: fc1 under the vanishing
        # ratio of the strongest layer, fc2 past the exploding factor of its start.
        run_id = rest.create(moons_document(epochs=1))
        record = {**rest.run(run_id), "last_seq": 0}
        early = {"fc1": 0.5, "fc2": 0.5, "fc3": 1.0}
        strongest = 2 * rule["exploding_factor"]  # grew 4x the factor since 0.5
        late = {
            "fc1": 0.5 * rule["vanishing_ratio"] * strongest,
            "fc2": strongest,
            "fc3": 2 * rule["vanishing_ratio"] * strongest,  # behind, but not that far
        }
        rows = [early] * rule["reference_samples"] + [late]
        events = [
            {
                **_event(i + 1, "grad_norms", 10 * (i + 1)),
                "run": run_id,
                "values": row,
                "total": sum(v * v for v in row.values()) ** 0.5,
                "nonfinite": [],
            }
            for i, row in enumerate(rows)
        ]
        record["last_seq"] = len(events)

        def route(ws: WebSocketRoute) -> None:
            def on_message(message: str | bytes) -> None:
                assert json.loads(message) == {"type": "auth", "token": TOKEN}
                ws.send(json.dumps({"type": "welcome", "run": record, "since": 0}))
                ws.send(json.dumps({"type": "events", "events": events}))

            ws.on_message(on_message)

        page.route_web_socket(re.compile(r"/ws/runs/"), route)
        page.goto(f"/#/runs/{run_id}")
        expect(page.get_by_test_id("run-name")).to_have_text("MLP playground (two moons)")
        for node, kind in (("fc1", "vanishing"), ("fc2", "exploding"), ("fc3", "healthy")):
            expect(page.get_by_test_id(f"grad-badge-{node}")).to_have_attribute(
                "data-grad-class", kind
            )
        page.get_by_test_id("tab-gradients").click()
        for node, kind in (("fc1", "vanishing"), ("fc2", "exploding"), ("fc3", "healthy")):
            expect(page.get_by_test_id(f"grad-bar-{node}")).to_have_attribute(
                "data-grad-class", kind
            )
        legend = page.get_by_test_id("panel-gradients").get_by_test_id("grad-legend-exploding")
        expect(legend).to_contain_text(f"{rule['exploding_factor']:g}× start")
        screenshot(page, "auth-run-gradients")
