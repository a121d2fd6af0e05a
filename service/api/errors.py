"""One error body for every failure: ``{"detail": "...", "code": "..."}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException

# PostgreSQL's undefined_table / undefined_column: the schema is damaged, not the query.
_PG_SCHEMA_DAMAGE = {"42P01", "42703"}

log = logging.getLogger(__name__)


def api_error(status_code: int, detail: str, code: str) -> StarletteHTTPException:
    return StarletteHTTPException(status_code, detail={"detail": detail, "code": code})  # type: ignore[arg-type]


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail, "code": None}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    return JSONResponse(
        {
            "detail": f"{where}: {first['msg']}",
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
    app.add_exception_handler(DatabaseError, _database_error)
