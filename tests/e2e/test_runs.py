"""The run dashboard in a browser, against a real server with one local worker training
the two-moons MLP for real: watch it learn, control it, lose nothing to a reload or a
cut connection, open it later, compare two runs.

The oracle for "nothing lost" is the database: the stored events read over REST.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import Page, WebSocketRoute, expect  # noqa: E402

from layerlab.train.events import END_STATUSES
from tests.e2e.editor import deselect, open_preset
from tests.e2e.runs import (
    Rest,
    expect_points_at_least,
    expect_status,
    loss_points,
    moons_document,
    screenshot,
)


def probe(page: Page, expression: str) -> Any:
    return page.evaluate(f"() => window.__layerlabRun.{expression}")


def test_train_from_the_editor_and_watch_it_learn(run_page: Page, rest: Rest) -> None:
    page = run_page
    page.goto("/")
    open_preset(page, "mlp_playground")
    deselect(page)
    epochs = page.get_by_test_id("training-epochs")
    epochs.fill("12")
    epochs.press("Tab")
    page.get_by_test_id("train").click()
    expect(page).to_have_url(re.compile(r"#/runs/r_[0-9a-f]{12}$"))
    run_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("run-view")).to_be_visible()
    expect(page.get_by_test_id("run-name")).to_have_text("MLP playground (two moons)")

    # Live: the chart gains points while the run trains, then it finishes.
    expect_points_at_least(page, 1)
    first = loss_points(page)
    expect_status(page, "finished", timeout=90_000)
    expect_points_at_least(page, first + 3)
    assert loss_points(page) == rest.loss_points(run_id)
    losses = [v for v in probe(page, "values()") if v is not None]
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3, f"the loss did not fall: {losses}"
    expect(page.get_by_test_id("run-progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("run-epoch")).to_have_text("12 / 12")
    expect(page.get_by_test_id("run-device")).to_have_text("cpu")
    # How the steps ran (issue 21): float32 and eager on the CPU, said in the header.
    expect(page.get_by_test_id("run-execution")).to_have_text("float32 · eager")

    # The decision boundary over the data, on the overview.
    boundary = page.get_by_test_id("decision-boundary")
    expect(boundary).to_be_visible()
    assert int(boundary.get_attribute("data-points") or 0) > 0

    # On the canvas: every layer with parameters wears its gradient norm, in the
    # healthy colour; activations wear their saturation; hover tells the numbers.
    for node in ("fc1", "fc2", "fc3"):
        badge = page.get_by_test_id(f"grad-badge-{node}")
        expect(badge).to_have_attribute("data-grad-class", "healthy")
        expect(badge).to_contain_text("∇")
    expect(page.get_by_test_id("grad-badge-act1")).to_have_count(0)
    expect(page.get_by_test_id("act-badge-act1")).to_contain_text("sat")
    page.get_by_test_id("node-fc2").hover()
    card = page.get_by_test_id("overlay-card-fc2")
    expect(card).to_be_visible()
    expect(card).to_contain_text("gradient norm")
    expect(card).to_contain_text("update / weight")

    # The other dashboards.
    page.get_by_test_id("tab-gradients").click()
    expect(page.get_by_test_id("grad-heatmap")).to_have_attribute("data-layers", "3")
    expect(page.get_by_test_id("grad-bar-fc1")).to_have_attribute("data-grad-class", "healthy")
    screenshot(page, "runs-gradients")
    page.get_by_test_id("tab-activations").click()
    expect(page.get_by_test_id("activation-histograms")).to_have_attribute("data-layers", "5")
    page.get_by_test_id("tab-weights").click()
    expect(page.get_by_test_id("weight-norm-chart")).to_be_visible()
    page.get_by_test_id("tab-samples").click()
    expect(page.get_by_test_id("confusion-matrix")).to_be_visible()
    expect(page.get_by_test_id("prediction")).to_have_count(8)

    # The timeline goes back: the samples shown are those of an early epoch (the first
    # epoch's predictions at step 12, the boundary as redrawn up to step 20).
    last_step = int(page.get_by_test_id("samples").get_attribute("data-step") or 0)
    page.get_by_test_id("timeline-range").fill("20")
    page.wait_for_function(
        "() => { const s = Number(document.querySelector('[data-testid=samples]')?.dataset.step);"
        " return s >= 12 && s <= 20; }"
    )
    page.get_by_test_id("timeline-live").click()
    expect(page.get_by_test_id("samples")).to_have_attribute("data-step", str(last_step))
    screenshot(page, "runs-watch-it-learn")

    # Back to the graph it ran: an unsaved document, so its snapshot opens.
    page.get_by_test_id("run-graph-link").click()
    expect(page.get_by_test_id("node-fc1")).to_be_visible()
    expect(page.get_by_test_id("doc-name")).to_have_value("MLP playground (two moons)")


def test_pause_resume_and_stop(run_page: Page, rest: Rest) -> None:
    page = run_page
    run_id = rest.create(moons_document(epochs=80), telemetry={"scalars_every": 2})
    page.goto(f"/#/runs/{run_id}")
    expect_status(page, "running")
    expect_points_at_least(page, 2)

    page.get_by_test_id("pause").click()
    expect_status(page, "paused")
    expect(page.get_by_test_id("resume")).to_be_enabled()
    assert rest.run(run_id)["status"] == "paused"
    at_pause = loss_points(page)

    page.get_by_test_id("resume").click()
    expect_status(page, "running")
    expect_points_at_least(page, at_pause + 2)

    page.get_by_test_id("stop").click()
    expect_status(page, "stopped")
    expect(page.get_by_test_id("stop")).to_be_disabled()
    expect(page.get_by_test_id("pause")).to_be_disabled()
    assert rest.run(run_id)["status"] == "stopped"


def test_a_reload_and_a_cut_connection_lose_nothing(run_page: Page, rest: Rest) -> None:
    page = run_page
    # Long enough to outlast the test on a fast machine: it is stopped at the end.
    run_id = rest.create(moons_document(epochs=500), telemetry={"scalars_every": 1})

    # Every viewer socket goes through here: the test can lose a frame, cut the
    # connection, and refuse reconnections for a while.
    state: dict[str, Any] = {
        "allow": True,
        "route": None,
        "drop": False,
        "dropped": 0,
        "connections": 0,
    }

    def route(ws: WebSocketRoute) -> None:
        state["connections"] += 1
        if not state["allow"]:
            ws.close(code=4001, reason="test: the server is away")
            return
        server = ws.connect_to_server()
        state["route"] = ws

        def from_server(message: str | bytes) -> None:
            if (
                state["drop"]
                and isinstance(message, str)
                and message.startswith('{"type":"events"')
            ):
                state["drop"] = False
                state["dropped"] += 1
                return  # lost on the way: the page must see the hole and fill it
            ws.send(message)

        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/runs/"), route)
    page.goto(f"/#/runs/{run_id}")
    expect_points_at_least(page, 15)

    # A reload mid-run: the whole history comes back, then the live tail.
    before = loss_points(page)
    page.reload()
    expect_points_at_least(page, before)
    expect_status(page, "running")

    # A frame lost in transit: the page notices the gap and reads it over REST.
    state["drop"] = True
    deadline = time.monotonic() + 30
    while not state["dropped"]:
        assert time.monotonic() < deadline, "no events frame came to drop"
        page.wait_for_timeout(50)  # lets the route handler run
    page.wait_for_function("() => window.__layerlabRun.stats().pages >= 1", timeout=30_000)

    # The connection is cut and the server refuses for a while: a banner says so.
    state["allow"] = False
    state["route"].close(code=4001, reason="test: cut")
    expect(page.get_by_test_id("reconnecting")).to_be_visible()
    state["allow"] = True
    expect(page.get_by_test_id("reconnecting")).to_be_hidden(timeout=30_000)
    expect(page.get_by_test_id("run-view")).to_have_attribute("data-connection", "live")

    expect_points_at_least(page, loss_points(page) + 5)  # live again
    page.get_by_test_id("stop").click()
    expect_status(page, "stopped")
    record = rest.wait(run_id, END_STATUSES)
    page.wait_for_function("n => window.__layerlabRun.lastSeq() >= n", arg=record["last_seq"])
    assert probe(page, "lastSeq()") == record["last_seq"]
    assert loss_points(page) == rest.loss_points(run_id)
    assert state["connections"] >= 3  # the first, after the reload, and after the cut
    screenshot(page, "runs-lossless")


def test_open_a_finished_run_and_compare_two(run_page: Page, rest: Rest) -> None:
    page = run_page
    base = moons_document(epochs=3)
    wider = moons_document(epochs=3, lr=0.03)
    for node in wider["nodes"]:
        if node["id"] == "fc1":
            node["params"]["out_features"] = 32
    graph = rest.call("POST", "/api/graphs", base)  # A trains a saved graph, B a document
    a = str(rest.call("POST", "/api/runs", {"graph_id": graph["id"], "graph_version": 1})["id"])
    b = rest.create(wider)
    rest.wait(a, END_STATUSES)
    rest.wait(b, END_STATUSES)

    page.goto("/#/runs")
    expect(page.get_by_test_id("runs-list")).to_be_visible()
    expect(page.get_by_test_id(f"run-row-{a}")).to_have_attribute("data-status", "finished")
    expect(page.get_by_test_id(f"best-{a}")).to_contain_text("val/acc")
    page.get_by_test_id("runs-status-filter").select_option("stopped")
    expect(page.get_by_test_id(f"run-row-{a}")).to_have_count(0)
    page.get_by_test_id("runs-status-filter").select_option("")
    expect(page.get_by_test_id(f"run-row-{a}")).to_be_visible()

    # A finished run opens with its whole history, from the database.
    page.get_by_test_id(f"open-{a}").click()
    expect_status(page, "finished")
    expect(page.get_by_test_id("decision-boundary")).to_be_visible()
    stored = rest.loss_points(a)
    expect(page.get_by_test_id("loss-chart")).to_have_attribute("data-points", str(stored))

    page.get_by_test_id("runs-link").click()
    page.get_by_test_id(f"pick-{a}").check()
    page.get_by_test_id(f"pick-{b}").check()
    page.get_by_test_id("compare-button").click()
    compare = page.get_by_test_id("compare")
    expect(compare).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("compare-loss-chart")).to_be_visible()
    expect(page.get_by_test_id("setting-lr")).to_contain_text("0.01")
    expect(page.get_by_test_id("setting-lr")).to_contain_text("0.03")
    expect(page.get_by_test_id("node-changed-fc1")).to_contain_text("out_features 16 → 32")
    screenshot(page, "runs-compare")

    # From run A back to the saved graph, at the version it trained.
    page.get_by_role("link", name=base["name"]).first.click()
    expect(page.get_by_test_id("run-graph-link")).to_have_text("Open its graph (version 1)")
    page.get_by_test_id("run-graph-link").click()
    expect(page).to_have_url(re.compile(f"#/graphs/{graph['id']}$"))
    expect(page.get_by_test_id("node-fc1")).to_be_visible()
    expect(page.get_by_test_id("save-state")).to_have_attribute("data-state", "saved")


def test_fork_a_run_from_a_checkpoint_with_edited_settings(run_page: Page, rest: Rest) -> None:
    page = run_page
    source = rest.create(moons_document(epochs=3))
    rest.wait(source, END_STATUSES)
    kept = rest.call("GET", f"/api/runs/{source}/checkpoints")
    assert kept, "a finished run keeps its checkpoints"

    page.goto(f"/#/runs/{source}")
    expect_status(page, "finished")
    expect(page.get_by_test_id("run-device")).to_have_text("cpu")  # where it trained
    expect(page.get_by_test_id("run-fork-origin")).to_have_count(0)

    # Keyboard: Tab stays inside the dialog; Escape closes it without starting anything,
    # and focus goes back to the Fork button.
    page.get_by_test_id("fork").click()
    expect(page.get_by_test_id("fork-dialog")).to_be_visible()
    inside = (
        "() => document.querySelector('[data-testid=fork-dialog]').contains(document.activeElement)"
    )
    for key in ["Tab"] * 30 + ["Shift+Tab"] * 30:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"focus left the dialog after {key}"
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("fork-dialog")).to_have_count(0)
    expect(page.get_by_test_id("fork")).to_be_focused()

    page.get_by_test_id("fork").click()
    dialog = page.get_by_test_id("fork-dialog")
    checkpoint = dialog.get_by_test_id("fork-checkpoint")
    expect(checkpoint).to_have_value(kept[0]["name"])  # the latest, when following the end
    expect(checkpoint.locator("option")).to_have_count(len(kept))
    expect(dialog.get_by_test_id("fork-changes")).to_have_text("Same settings as this run.")
    dialog.get_by_test_id("fork-lr").fill("0.003")
    dialog.get_by_test_id("fork-epochs").fill("2")
    dialog.get_by_test_id("fork-optimizer").select_option("sgd")
    expect(dialog.get_by_test_id("fork-changes")).to_have_text(
        "Changes: optimizer adam → sgd, lr 0.01 → 0.003, epochs 3 → 2"
    )
    dialog.get_by_test_id("fork-lr").fill("-1")  # refused in the form, not sent
    expect(dialog.get_by_test_id("fork-lr-error")).to_be_visible()
    dialog.get_by_test_id("fork-lr").fill("0.003")
    screenshot(page, "run-fork-dialog")
    dialog.get_by_test_id("fork-start").click()

    expect(page).not_to_have_url(re.compile(f"#/runs/{source}$"))
    fork_id = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_test_id("run-fork-origin")).to_contain_text(source)
    expect(page.get_by_test_id("run-fork-origin")).to_contain_text(f"step {kept[0]['step']:,}")
    expect_status(page, "finished")
    screenshot(page, "run-forked")
    fork = rest.run(fork_id)
    assert fork["fork"] == {"run": source, "checkpoint": kept[0]["name"], "step": kept[0]["step"]}
    assert (fork["config"]["lr"], fork["config"]["epochs"], fork["config"]["optimizer"]) == (
        0.003,
        2,
        "sgd",
    )
    assert fork["document"] == rest.run(source)["document"]
    stored = rest.loss_points(fork_id)
    expect(page.get_by_test_id("loss-chart")).to_have_attribute("data-points", str(stored))

    # The origin links back; the runs list marks the fork.
    page.get_by_test_id("run-fork-origin").get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"#/runs/{source}$"))
    expect_status(page, "finished")
    page.get_by_test_id("runs-link").click()
    expect(page.get_by_test_id(f"forked-{fork_id}")).to_contain_text(source)

    # Compared with its source, the fork's curve is drawn from its fork step on.
    page.get_by_test_id(f"pick-{source}").check()
    page.get_by_test_id(f"pick-{fork_id}").check()
    page.get_by_test_id("compare-button").click()
    expect(page.get_by_test_id("compare")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("compare-fork-note")).to_contain_text(f"at step {kept[0]['step']:,}")
    expect(page.get_by_test_id("setting-lr")).to_contain_text("0.003")


def _event(seq: int, kind: str, step: int, **payload: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "run": "",
        "type": kind,
        "step": step,
        "epoch": 0,
        "time": step / 10,
        **payload,
    }


def test_non_finite_values_and_warnings_show_and_break_nothing(run_page: Page, rest: Rest) -> None:
    """A run that goes bad, played to the page through a stand-in socket: NaN losses and
    gradients (null plus a flag on the wire), a health warning naming a layer, events
    repeated and out of order."""
    page = run_page
    run_id = rest.create(moons_document(epochs=1))
    record = {**rest.run(run_id), "status": "diverged", "last_seq": 0}
    events = [_event(1, "status", 0, status="running", message="", total_steps=60)]
    for step in range(1, 41):
        bad = step in (25, 26)
        events.append(
            _event(
                len(events) + 1,
                "metrics",
                step,
                values={"train/loss": None if bad else 1 / step, "lr": 0.1},
                nonfinite=["train/loss"] if bad else [],
            )
        )
        if step % 10 == 0:
            nan = step == 40
            values = {"fc1": None if nan else 0.2, "fc2": 0.1, "fc3": 1e-6}
            events.append(
                _event(
                    len(events) + 1,
                    "grad_norms",
                    step,
                    values=values,
                    total=None if nan else 0.3,
                    nonfinite=["fc1"] if nan else [],
                )
            )
    events.append(
        _event(
            len(events) + 1,
            "health",
            40,
            diagnosis="exploding_gradients",
            node="fc1",
            severity="warning",
            active=True,
            message="gradient norm of fc1 is not finite",
            value=None,
        )
    )
    events.append(
        _event(
            len(events) + 1,
            "status",
            40,
            status="diverged",
            message="the loss is not finite",
            total_steps=60,
        )
    )
    for e in events:
        e["run"] = run_id
    record["last_seq"] = len(events)

    def route(ws: WebSocketRoute) -> None:
        for message in (
            {"type": "welcome", "run": record, "since": 0},
            {"type": "events", "events": events[:30]},
            {"type": "events", "events": list(reversed(events[20:]))},  # overlapping, reversed
            {"type": "run", "run": record},
        ):
            ws.send(json.dumps(message))

    page.route_web_socket(re.compile(r"/ws/runs/"), route)
    page.goto(f"/#/runs/{run_id}")
    expect_status(page, "diverged")
    expect(page.get_by_test_id("loss-chart")).to_have_attribute("data-points", "40")
    expect(page.get_by_test_id("loss-nonfinite")).to_contain_text("2 loss values were not finite")
    expect(page.get_by_test_id("run-message")).to_contain_text("not finite")
    expect(page.get_by_test_id("grad-badge-fc1")).to_have_attribute("data-grad-class", "nonfinite")
    expect(page.get_by_test_id("grad-badge-fc1")).to_contain_text("NaN")
    expect(page.get_by_test_id("grad-badge-fc3")).to_have_attribute("data-grad-class", "vanishing")
    expect(page.get_by_test_id("node-warning-fc1")).to_contain_text("Exploding gradients")
    expect(page.get_by_test_id("warning-fc1")).to_contain_text("fc1")
    assert probe(page, "stats().duplicates") == 10
    page.get_by_test_id("tab-gradients").click()
    expect(page.get_by_test_id("grad-bar-fc1")).to_have_attribute("data-grad-class", "nonfinite")
    expect(page.get_by_test_id("grad-heatmap")).to_have_attribute("data-steps", "4")
    page.get_by_test_id("tab-overview").click()
    page.get_by_test_id("loss-log-scale").check()
    expect(page.get_by_test_id("loss-chart")).to_be_visible()
    screenshot(page, "runs-nonfinite")
