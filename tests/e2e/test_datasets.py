"""Your own data in the editor, in a real browser against a real server: drop or choose a
file, watch it upload, see how it was read (columns, thumbnails, text, class counts), use
it (the graph follows the data, with one Undo), train on it and watch the run; the
availability of each built-in set before Train; deleting an upload (refused while a run
needs it); an upload error that names the row and column.

Files are made here: a two-blob CSV, a zip of solid-colour PNGs in class folders, and a
small text corpus.
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect  # noqa: E402

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import MOD, deselect, open_preset, press, wait_checked
from tests.e2e.runs import Rest, expect_points_at_least, expect_status, moons_document, screenshot
from tests.e2e.server import ROOT, Server


@pytest.fixture(scope="module")
def data_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with one local worker: runs on uploads train for real."""
    srv = Server(tmp_path_factory.mktemp("data-server"), workers=1)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def data_page(
    browser: Any, data_server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Page]:
    with page_for_test(browser, data_server.url, console, request) as page:
        page.goto("/")
        expect(page.get_by_test_id("palette-item-Conv2d")).to_be_visible()
        yield page


# -- files made for the tests --------------------------------------------------------------


def blobs_csv(per_class: int = 60, seed: int = 0) -> bytes:
    """Two separable blobs in the plane, a text label: a 2-class table."""
    rng = random.Random(seed)
    rows = ["x1,x2,label"]
    for label, centre in (("left", -2.0), ("right", 2.0)):
        for _ in range(per_class):
            rows.append(
                f"{centre + rng.gauss(0, 0.5):.3f},{centre + rng.gauss(0, 0.5):.3f},{label}"
            )
    rng.shuffle(rows[1:])
    return ("\n".join(rows) + "\n").encode()


def colour_zip(per_class: int = 12) -> bytes:
    """Two classes of solid-colour 16x16 PNGs, one folder per class."""
    from PIL import Image

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rgb in (("red", (220, 40, 40)), ("blue", (40, 60, 220))):
            for i in range(per_class):
                shade = tuple(max(0, min(255, c + (i * 7) % 30 - 15)) for c in rgb)
                picture = Image.new("RGB", (16, 16), shade)
                png = io.BytesIO()
                picture.save(png, format="PNG")
                archive.writestr(f"colours/{name}/{i:02d}.png", png.getvalue())
    return buffer.getvalue()


CORPUS = (
    "the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat by a log. "
    "the sun is up and the cat is out; the dog is in. "
) * 24


def payload(name: str, mime: str, data: bytes) -> FilePayload:
    """A file for an <input type=file>, made in memory."""
    return {"name": name, "mimeType": mime, "buffer": data}


def drop_file(page: Page, target: str, name: str, data: bytes, mime: str) -> None:
    """Drop a file on the element with data-testid `target`, as a person dragging it from
    their desktop would: dragenter, dragover and drop with a DataTransfer holding it."""
    page.evaluate(
        """([selector, name, b64, type]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], name, { type }));
            const target = document.querySelector(selector);
            for (const kind of ['dragenter', 'dragover', 'drop']) {
                target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: data }));
            }
        }""",
        [f"[data-testid={target}]", name, base64.b64encode(data).decode(), mime],
    )


def drag_over(page: Page, target: str) -> None:
    """A file held over the element (not dropped): its drop overlay shows."""
    page.evaluate(
        """(selector) => {
            const data = new DataTransfer();
            data.items.add(new File(['x'], 'held.csv', { type: 'text/csv' }));
            document.querySelector(selector).dispatchEvent(
                new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
        }""",
        f"[data-testid={target}]",
    )


def set_field(page: Page, test_id: str, value: object) -> None:
    field = page.get_by_test_id(test_id)
    field.fill(str(value))
    field.press("Tab")


# The server reads an upload in a child process of its own: seconds, not milliseconds.
READ_TIMEOUT = 60_000


def expect_preview_ready(page: Page) -> None:
    expect(page.get_by_test_id("data-picker")).to_be_visible()
    expect(page.get_by_test_id("upload-status")).to_have_attribute(
        "data-phase", "done", timeout=READ_TIMEOUT
    )
    expect(page.get_by_test_id("data-preview")).to_have_attribute("data-state", "ready")


def train_and_watch(page: Page, rest: Rest) -> dict[str, Any]:
    """Press Train; on the run page, watch it finish with its losses per epoch drawn.
    Returns its record."""
    wait_checked(page)
    expect(page.get_by_test_id("check-status")).to_have_attribute(
        "data-state", re.compile("ok|warning")
    )
    page.get_by_test_id("train").click()
    expect(page).to_have_url(re.compile(r"#/runs/r_[0-9a-f]{12}$"))
    run_id = page.url.rsplit("/", 1)[1]
    expect_status(page, "finished", timeout=180_000)
    epochs = len(epoch_values(rest, run_id, "val/loss"))
    assert epochs > 0, "no validation loss stored"
    expect(page.get_by_test_id("val-loss-chart")).to_have_attribute("data-points", str(epochs))
    return rest.run(run_id)


def epoch_values(rest: Rest, run_id: str, key: str) -> list[float]:
    return [
        e["values"][key] for e in rest.events(run_id, "metrics") if e["values"].get(key) is not None
    ]


# -- the tests --------------------------------------------------------------------------------


def test_drop_a_csv_see_it_use_it_undo_it_and_train(data_page: Page, data_server: Server) -> None:
    page, rest = data_page, Rest(data_server.url)
    open_preset(page, "mlp_regression")  # x: 1 number in, fc3: 1 number out, on `sine`
    deselect(page)
    expect(page.get_by_test_id("dataset-name")).to_have_text("sine")
    expect(page.get_by_test_id("dataset-availability")).to_have_attribute("data-state", "generated")

    drag_over(page, "training-drop")
    expect(page.get_by_test_id("drop-overlay")).to_be_visible()
    drop_file(page, "training-drop", "blobs.csv", blobs_csv(), "text/csv")
    expect(page.get_by_test_id("drop-overlay")).to_have_count(0)

    # How the server read it: columns with type and role, the classes counted.
    expect_preview_ready(page)
    expect(page.get_by_test_id("detail-name")).to_have_text("blobs.csv")
    expect(page.get_by_test_id("preview-column-x1")).to_contain_text("number · feature")
    expect(page.get_by_test_id("preview-column-x2")).to_have_attribute("data-role", "feature")
    expect(page.get_by_test_id("preview-column-label")).to_contain_text("text · target")
    expect(page.get_by_test_id("preview-table").locator("tbody tr")).to_have_count(20)
    expect(page.get_by_test_id("class-count-left")).to_have_attribute("data-count", "60")
    expect(page.get_by_test_id("class-count-right")).to_contain_text("60 · 50%")
    expect(page.get_by_test_id("data-info-input")).to_have_text("2")
    expect(page.get_by_test_id("data-info-classes")).to_have_text("left, right")
    screenshot(page, "datasets-csv-preview")

    # Use it: the graph follows the data, and says what changed.
    expect(page.get_by_test_id("picker-use")).to_be_focused()  # Enter would do
    page.get_by_test_id("picker-use").click()
    expect(page.get_by_test_id("data-picker")).to_have_count(0)
    note = page.get_by_test_id("data-applied-note")
    expect(note).to_contain_text("Training on blobs.csv")
    changes = page.get_by_test_id("data-applied-changes").locator("li")
    expect(changes).to_have_text(
        ["task regression → classification", "x shape 1 → 2", "fc3 out_features 1 → 2"]
    )
    expect(page.get_by_test_id("shape-x")).to_have_text("2")
    expect(page.get_by_test_id("shape-fc3")).to_have_text("2")
    expect(page.get_by_test_id("dataset-name")).to_have_text("blobs.csv")
    expect(page.get_by_test_id("dataset-facts")).to_have_text("samples 2 · 2 classes")
    expect(page.get_by_test_id("training-task")).to_have_value("classification")
    wait_checked(page)
    screenshot(page, "datasets-applied-note")

    # One click takes it all back (one undo step); redo brings the choice and its note back.
    page.get_by_test_id("data-applied-undo").click()
    expect(note).to_have_count(0)
    expect(page.get_by_test_id("shape-x")).to_have_text("1")
    expect(page.get_by_test_id("dataset-name")).to_have_text("sine")
    press(page, f"Shift+{MOD}+z")
    expect(page.get_by_test_id("shape-x")).to_have_text("2")
    expect(page.get_by_test_id("dataset-name")).to_have_text("blobs.csv")
    expect(note).to_be_visible()

    set_field(page, "training-epochs", 15)
    record = train_and_watch(page, rest)
    expect_points_at_least(page, 1)  # the training loss per step too
    expect(page.get_by_test_id("run-dataset")).to_be_visible()
    expect(page.get_by_test_id("run-stand-in")).to_have_count(0)
    boundary = page.get_by_test_id("decision-boundary")  # two features: the plane itself
    expect(boundary).to_be_visible()
    assert int(boundary.get_attribute("data-points") or 0) > 0
    accuracy = epoch_values(rest, record["id"], "val/acc")
    assert accuracy and accuracy[-1] >= 0.9, f"two separated blobs not learned: {accuracy}"
    screenshot(page, "datasets-csv-run")


def test_upload_an_image_zip_with_the_button_and_train(
    data_page: Page, data_server: Server, tmp_path: Path
) -> None:
    page, rest = data_page, Rest(data_server.url)
    open_preset(page, "lenet5_mnist")
    deselect(page)
    archive = tmp_path / "colours.zip"
    archive.write_bytes(colour_zip())
    page.get_by_test_id("upload-data-input").set_input_files(str(archive))

    expect_preview_ready(page)
    images = page.get_by_test_id("preview-image")
    expect(images).to_have_count(24)
    expect(images.first).to_have_attribute("data-label", re.compile("^(red|blue)$"))
    labels = {images.nth(i).get_attribute("data-label") for i in range(4)}
    assert labels == {"red", "blue"}, "thumbnails are taken from each class in turn"
    assert images.first.locator("img").evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_test_id("class-count-red")).to_have_attribute("data-count", "12")
    expect(page.get_by_test_id("class-count-blue")).to_have_attribute("data-count", "12")
    expect(page.get_by_test_id("data-info-input")).to_have_text("3×32×32")
    screenshot(page, "datasets-image-preview")

    page.keyboard.press("Enter")  # "Use colours.zip" has the focus
    expect(page.get_by_test_id("data-applied-changes").locator("li")).to_have_text(
        ["image shape 1×28×28 → 3×32×32", "fc3 out_features 10 → 2"]
    )
    expect(page.get_by_test_id("edge-label-image-conv1")).to_have_text("3×32×32")
    expect(page.get_by_test_id("shape-fc3")).to_have_text("2")
    set_field(page, "training-epochs", 3)
    train_and_watch(page, rest)
    page.get_by_test_id("tab-samples").click()
    expect(page.get_by_test_id("confusion-matrix")).to_be_visible()


def test_text_for_a_set_that_is_not_here_and_a_char_model(
    data_page: Page, data_server: Server, tmp_path: Path
) -> None:
    page, rest = data_page, Rest(data_server.url)
    open_preset(page, "gpt_char")
    deselect(page)
    # Tiny Shakespeare is not on this server: said before Train, with the upload right there.
    availability = page.get_by_test_id("dataset-availability")
    expect(availability).to_have_attribute("data-state", "needs_file")
    expect(availability).to_contain_text("not available here: upload input.txt")
    corpus = tmp_path / "rhymes.txt"
    corpus.write_text(CORPUS)
    page.get_by_test_id("upload-for-current-input").set_input_files(str(corpus))

    expect_preview_ready(page)
    text = page.get_by_test_id("preview-text")
    expect(text).to_contain_text("the cat sat on the mat.")
    vocabulary = len(set(CORPUS))
    expect(page.get_by_test_id("data-info-target")).to_have_text(
        f"the next token (vocabulary of {vocabulary})"
    )
    expect(page.get_by_test_id("data-info-input")).to_have_text("64 (token ids)")
    screenshot(page, "datasets-text-preview")

    page.get_by_test_id("picker-use").click()
    expect(page.get_by_test_id("data-applied-changes").locator("li")).to_have_text(
        [f"embed num_embeddings 65 → {vocabulary}", f"head out_features 65 → {vocabulary}"]
    )
    expect(page.get_by_test_id("dataset-name")).to_have_text("rhymes.txt")
    set_field(page, "training-epochs", 1)
    train_and_watch(page, rest)
    expect(page.get_by_test_id("run-dataset")).not_to_have_attribute("data-stand-in", "true")


def test_availability_delete_refused_while_in_use_and_upload_errors(
    page: Page, server: Server, console: Console
) -> None:
    """The server without workers: a run queued on an upload stays queued, so deleting
    that upload is refused (409) with the server's reason."""
    rest = Rest(server.url)
    deselect(page)
    page.get_by_test_id("choose-dataset").click()
    picker = page.get_by_test_id("data-picker")
    expect(picker).to_be_visible()

    mnist = page.get_by_test_id("availability-mnist")
    expect(mnist).to_have_attribute("data-state", "stand_in")
    expect(mnist).to_contain_text(re.compile(r"not available here: trains on .+ instead"))
    expect(page.get_by_test_id("availability-moons")).to_have_attribute("data-state", "generated")
    shakespeare = page.get_by_test_id("availability-tiny_shakespeare")
    expect(shakespeare).to_contain_text("not available here: upload input.txt")
    page.get_by_test_id("picker-builtin-tiny_shakespeare").locator("button").click()
    expect(page.get_by_test_id("upload-for-tiny_shakespeare")).to_be_visible()
    expect(page.get_by_test_id("picker-use")).to_be_disabled()
    # The keyboard walks the list; the details follow.
    page.get_by_test_id("picker-builtin-mnist").locator("button").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("picker-detail")).not_to_have_attribute(
        "data-entry", "builtin:mnist"
    )
    page.get_by_test_id("picker-builtin-mnist").locator("button").click()
    expect(page.get_by_test_id("detail-availability")).to_contain_text("instead")
    screenshot(page, "datasets-picker")

    # A file that does not parse: the server's message, naming the row and column, right here.
    console.allow("status of 422")
    bad = b"x1,x2,label\n1,2,a\n3,oops,b\n5,6,a\n7,8,b\n"
    drop_file(page, "data-picker", "bad.csv", bad, "text/csv")
    expect(page.get_by_test_id("upload-status")).to_have_attribute(
        "data-phase", "failed", timeout=READ_TIMEOUT
    )
    error = page.get_by_test_id("upload-error")
    expect(error).to_contain_text("row 3, column 2 is not a number")
    screenshot(page, "datasets-upload-error")
    page.get_by_test_id("upload-dismiss").click()

    # Two uploads; a queued run trains on the first.
    page.get_by_test_id("picker-upload-input").set_input_files(
        files=[payload("kept.csv", "text/csv", blobs_csv(seed=1))]
    )
    expect_preview_ready(page)
    page.get_by_test_id("picker-upload-input").set_input_files(
        files=[payload("spare.csv", "text/csv", blobs_csv(seed=2))]
    )
    expect_preview_ready(page)
    uploads = {u["name"]: u for u in rest.call("GET", "/api/datasets")["uploads"]}
    kept, spare = uploads["kept.csv"], uploads["spare.csv"]
    rows = page.get_by_test_id("picker-uploads").locator("li")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_test_id("upload-name")).to_have_text("spare.csv")  # newest first
    expect(rows.first.get_by_test_id("upload-meta")).to_have_text(
        re.compile(r"^csv · [\d.]+ kB · today \d\d:\d\d$")
    )
    run = rest.create(moons_document(**kept["config"]))
    assert rest.run(run)["status"] == "queued"

    console.allow("status of 409")
    kept_row = page.get_by_test_id(f"upload-row-{kept['id']}")
    kept_row.get_by_test_id("delete-upload").click()
    expect(kept_row).to_contain_text("Delete kept.csv from the server?")
    kept_row.get_by_test_id("delete-confirm").click()
    expect(kept_row.get_by_test_id("delete-error")).to_contain_text(run)
    kept_row.get_by_test_id("delete-keep").click()
    expect(kept_row.get_by_test_id("upload-name")).to_have_text("kept.csv")

    spare_row = page.get_by_test_id(f"upload-row-{spare['id']}")
    spare_row.get_by_test_id("delete-upload").click()
    spare_row.get_by_test_id("delete-confirm").click()
    expect(spare_row).to_have_count(0)
    names = [u["name"] for u in rest.call("GET", "/api/datasets")["uploads"]]
    assert names == ["kept.csv"], json.dumps(names)
    rest.call("POST", f"/api/runs/{run}/stop")
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0)


def test_a_run_on_a_stand_in_says_so_in_its_header_and_the_runs_list(
    data_page: Page, data_server: Server
) -> None:
    """MNIST is not in this server's data dir: the run trains on its offline look-alike,
    and the run page and the runs table say so."""
    page, rest = data_page, Rest(data_server.url)
    lenet = json.loads((ROOT / "graphs" / "lenet5_mnist.json").read_text())
    lenet["training"] = {**lenet["training"], "device": "cpu"}
    run_id = rest.create(lenet, epochs=1, max_steps=3)
    rest.wait(run_id, ("finished",), timeout=120)
    used = rest.run(run_id)["dataset_used"]
    assert used and "stand-in" in used, used

    page.goto(f"/#/runs/{run_id}")
    expect_status(page, "finished")
    shown = page.get_by_test_id("run-dataset")
    expect(shown).to_have_text(used)
    expect(shown).to_have_attribute("data-stand-in", "true")
    expect(page.get_by_test_id("run-stand-in")).to_contain_text("mnist is not on the worker")
    screenshot(page, "datasets-stand-in-run")

    page.get_by_test_id("runs-link").click()
    cell = page.get_by_test_id(f"dataset-{run_id}")
    expect(cell).to_contain_text(used)
    expect(cell).to_contain_text("stand-in")
    expect(cell).to_have_attribute("data-stand-in", "true")
    screenshot(page, "datasets-runs-list")


def test_upload_progress_is_real_and_an_upload_can_be_cancelled(page: Page, server: Server) -> None:
    """Uploads throttled to 256 kB/s (Chromium's network emulation): the bar moves with the
    bytes sent, and Cancel stops the upload; nothing is kept."""
    rest = Rest(server.url)
    before = [u["id"] for u in rest.call("GET", "/api/datasets")["uploads"]]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 256 * 1024},
    )
    deselect(page)
    big = (CORPUS * 640).encode()  # about 2 MB: 8 s at that rate
    page.get_by_test_id("upload-data-input").set_input_files(
        files=[payload("big.txt", "text/plain", big)]
    )
    status = page.get_by_test_id("upload-status")
    expect(status).to_have_attribute("data-phase", "sending")
    page.wait_for_function(
        """() => {
            const f = Number(document.querySelector('[data-testid=upload-progress]')?.dataset.fraction);
            return f > 0.1 && f < 0.8;
        }""",
        timeout=15_000,
    )
    expect(page.get_by_test_id("upload-progress-text")).to_have_text(
        re.compile(r"^[\d.]+ (kB|MB) of 2(\.\d)? MB · \d{1,2}%$")
    )
    screenshot(page, "datasets-uploading")
    page.get_by_test_id("upload-cancel").click()
    expect(status).to_have_attribute("data-phase", "cancelled")
    expect(status).to_contain_text("Upload of big.txt cancelled")
    page.get_by_test_id("upload-dismiss").click()
    expect(status).to_have_count(0)
    after = [u["id"] for u in rest.call("GET", "/api/datasets")["uploads"]]
    assert after == before, "a cancelled upload left a dataset behind"
