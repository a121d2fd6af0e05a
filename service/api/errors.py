"""One error body for every failure: ``{"detail": "...", "code": "..."}``."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.calls.intake import IntakeError, first_error

# The code of an error raised without one: the status's name (404 -> "not_found").
_STATUS_CODES = {413: "too_large", 422: "invalid"}
# PostgreSQL's undefined_table / undefined_column: the schema is damaged, not the query.
_PG_SCHEMA_DAMAGE = {"42P01", "42703"}

log = logging.getLogger(__name__)


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


def database_problem(exc: BaseException) -> str:
    """A short reason for a database failure: the class and the driver's first line."""
    orig = getattr(exc, "orig", None) or exc
    first_line = (str(orig).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__


def is_database_unavailable(exc: BaseException) -> bool:
    """Unreachable, locked out, damaged or missing tables: not a bug in the request.

    Integrity errors (duplicates) and other programming errors are not this.
    """
    if isinstance(exc, OperationalError) or type(exc) is DatabaseError:
        return True
    if isinstance(exc, ProgrammingError):
        return getattr(getattr(exc, "orig", None), "sqlstate", None) in _PG_SCHEMA_DAMAGE
    return False


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    if not is_database_unavailable(exc):
        raise exc  # a bug: the server error handler answers 500 and logs it
    log.error("database unavailable: %s", database_problem(exc))
    return JSONResponse(
        {
            "detail": "the database is unavailable or damaged; the operator sees why in "
            "/readyz and the log",
            "code": "database_unavailable",
        },
        status_code=503,
        headers={"Retry-After": "30"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IntakeError, _intake_error)
    app.add_exception_handler(DatabaseError, _database_error)
