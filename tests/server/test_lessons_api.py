"""GET /api/lessons and /api/lessons/{id}: the lessons in course order, each served whole."""

from __future__ import annotations

from tests.server.conftest import LiveServer
from tests.test_lessons import COURSE


def test_the_server_lists_the_lessons_in_order_and_serves_each(
    sqlite_server: LiveServer,
) -> None:
    with sqlite_server.client() as client:
        listed = client.get("/api/lessons").json()
        assert [entry["id"] for entry in listed] == COURSE
        assert all(entry["title"]["zh-CN"] for entry in listed)
        lesson = client.get("/api/lessons/vanishing_gradients").json()
        assert lesson["steps"][0]["preset"] == "deep_sigmoid_mlp"
        assert len(lesson["steps"]) == listed[COURSE.index("vanishing_gradients")]["steps"]
        assert client.get("/api/lessons/no_such_lesson").status_code == 404
        assert client.get("/api/lessons/..%2Fgraphs").status_code in (404, 422)
