"""Which job failures may succeed when tried again.

Transient: the disk, the database or the network failed (or memory ran out) and the
same job can succeed later. Everything else is the same computation on the same input
failing the same way again (a ValueError from a country with no ringback plan, a bug
on this recording): retrying it only delays the answer, so it fails the call at once
with its reason.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, SQLAlchemyError, MemoryError)
# Errors that say the input (options, metadata, the recording) is unusable.
INPUT_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, LookupError)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def permanent_code(exc: BaseException) -> str:
    """The stored error code of a failure that is not retried."""
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code:
        return code
    return "invalid_input" if isinstance(exc, INPUT_ERRORS) else "internal_error"
