"""One error body for every failure: ``{"detail": "...", "code": "..."}``."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.calls.intake import IntakeError, first_error

# The code of an error raised without one: the status's name (404 -> "not_found").
_STATUS_CODES = {413: "too_large", 422: "invalid"}


def api_error(status_code: int, detail: str, code: str) -> StarletteHTTPException:
    return StarletteHTTPException(status_code, detail={"detail": detail, "code": code})  # type: ignore[arg-type]


def default_code(status_code: int) -> str:
    if status_code in _STATUS_CODES:
        return _STATUS_CODES[status_code]
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, dict):
        body = exc.detail
    else:
        body = {"detail": exc.detail, "code": default_code(exc.status_code)}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _intake_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntakeError)
    return JSONResponse({"detail": exc.detail, "code": exc.code}, status_code=exc.status_code)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    return JSONResponse(
        {
            "detail": first_error(errors, "request"),
            "code": "bad_request",
            "errors": jsonable_encoder(errors, custom_encoder={Exception: str}),
        },
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IntakeError, _intake_error)
