"""The tuning API: queue a sweep of a session's settings, follow it, cancel it, delete it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mohawk_engine.api.routing import engine_of, error_responses
from mohawk_engine.schemas.tuning import TuningTaskInfo, TuningTaskRequest

_ERRORS = error_responses(400, 404, 409)


def build_tuning_router() -> APIRouter:
    router = APIRouter(prefix="/v1/tuning", tags=["tuning"], responses=_ERRORS)

    @router.post("", response_model=TuningTaskInfo, status_code=201)
    async def create_task(body: TuningTaskRequest, request: Request) -> TuningTaskInfo:
        """Queue a task; it runs when the tasks before it have finished. Apply its best_spec with PUT /v1/sessions."""
        request.state.audit_target = body.session  # cancel and delete name the task id (from the path)
        return engine_of(request).tuning.create(body)

    @router.get("", response_model=list[TuningTaskInfo])
    async def list_tasks(request: Request) -> list[TuningTaskInfo]:
        return engine_of(request).tuning.list()

    @router.get("/{task_id}", response_model=TuningTaskInfo)
    async def get_task(task_id: int, request: Request) -> TuningTaskInfo:
        return engine_of(request).tuning.get(task_id)

    @router.post("/{task_id}/cancel", response_model=TuningTaskInfo)
    async def cancel_task(task_id: int, request: Request) -> TuningTaskInfo:
        return await engine_of(request).tuning.cancel(task_id)

    @router.delete("/{task_id}", response_model=TuningTaskInfo)
    async def delete_task(task_id: int, request: Request) -> TuningTaskInfo:
        """Only a finished task (completed, failed or cancelled) can be deleted."""
        return engine_of(request).tuning.delete(task_id)

    return router
