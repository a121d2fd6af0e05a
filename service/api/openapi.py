"""The OpenAPI document says what the API answers: the error body of every 4xx (422
included: ``{"detail", "code", "errors"}``, not FastAPI's default list), 401/403 on
every route that takes a key, 404 where a path names something."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_422_SCHEMAS = ("HTTPValidationError", "ValidationError")
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _document_errors(path: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if operation.get("parameters") or operation.get("requestBody"):
        responses.setdefault("422", _error("the request's fields are not valid"))
    if operation.get("requestBody"):
        responses.setdefault("400", _error("the body could not be parsed"))
    if "422" in responses:  # ours or FastAPI's default: the body our handler sends
        responses["422"]["content"] = {"application/json": {"schema": ERROR_REF}}
    if operation.get("security"):
        responses.setdefault("401", _error("missing or invalid API key"))
        responses.setdefault("403", _error("the key lacks the scope"))
    if "{" in path:
        responses.setdefault("404", _error("no such resource in the key's team"))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in _METHODS:
                _document_errors(path, operation)
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_422_SCHEMAS:
        components.pop(name, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
