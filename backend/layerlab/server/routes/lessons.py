"""The lessons (layerlab/lessons.py): the list for the start screen, and one lesson's
steps for the lesson panel. A lesson is looked up in the validated listing, so no id can
reach a file outside the lessons folder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from layerlab.lessons import LESSON_ID, Lesson, LessonSummary, load_lessons, summary
from layerlab.server.deps import SettingsDep, run_cpu
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.settings import Settings

router = APIRouter(tags=["lessons"])


async def _lessons(request: Request, settings: Settings) -> list[Lesson]:
    """Read and validated on each request: a lesson edited on disk shows at once."""
    return await run_cpu(request, lambda: load_lessons(settings.lessons_dir, settings.presets_dir))


@router.get(
    "/lessons",
    response_model=list[LessonSummary],
    summary="The lessons in course order, each with its title, goal and step count",
)
async def get_lessons(request: Request, settings: SettingsDep) -> list[LessonSummary]:
    return [summary(lesson) for lesson in await _lessons(request, settings)]


@router.get(
    "/lessons/{lesson_id}",
    response_model=Lesson,
    responses={404: {"model": ErrorBody, "description": "No lesson of that id"}},
    summary="One lesson: its steps, each with its text, preset and check",
)
async def get_lesson(
    request: Request,
    settings: SettingsDep,
    lesson_id: Annotated[str, Path(pattern=LESSON_ID, description="An id from GET /lessons")],
) -> Lesson:
    lessons = await _lessons(request, settings)
    found = next((lesson for lesson in lessons if lesson.id == lesson_id), None)
    if found is None:
        raise ApiError(404, "not_found", f"no lesson {lesson_id!r}")
    return found
