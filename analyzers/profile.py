"""Ranges profiles: the recommended ranges every rule is measured against.

The default profile is ``analyzers/data/default_profile.toml`` (a mirror of
guidelines.md). A team profile overrides any subset of its keys. The values
live in data, never in code: the models below have no defaults of their own.

The schema is built from the rules table (analyzers.rule_table): one model per
table, each value typed, finite and within the table's bounds, ordered pairs
lowest ≤ highest. The TOML loader, the API and the dashboard's form all validate
through ``build_profile``; its errors name the field as the form labels it.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from analyzers.errors import ProfileError
from analyzers.rule_table import SECTIONS, Section, Setting, section_spec, setting_spec

_FROZEN = ConfigDict(extra="forbid", frozen=True)
_TYPES: dict[str, type] = {"int": int, "float": float, "text": str}


def _field(setting: Setting) -> Any:
    if setting.kind == "text":
        return (str, Field(max_length=2000))
    return (
        _TYPES[setting.kind],
        Field(
            ge=setting.at_least,
            gt=setting.more_than,
            le=setting.at_most,
            allow_inf_nan=False,
            strict=setting.kind == "int" or None,
        ),
    )


def _amount(value: float, unit: str) -> str:
    # Counts, rings and shares read best as bare numbers.
    return f"{value:g}" if unit in ("", "count", "ring", "0–1") else f"{value:g} {unit}"


def _order_check(section: Section) -> Any:
    settings = {s.name: s for s in section.settings}

    def check(model: BaseModel) -> BaseModel:
        for low_name, high_name in section.ordered:
            low, high = getattr(model, low_name), getattr(model, high_name)
            if low > high:
                raise PydanticCustomError(
                    "range_order",
                    "{title}: the lowest must not be above the highest "
                    "({low_label} {low}, {high_label} {high})",
                    {
                        "title": section.title,
                        "low_label": settings[low_name].label.lower(),
                        "low": _amount(low, settings[low_name].unit),
                        "high_label": settings[high_name].label.lower(),
                        "high": _amount(high, settings[high_name].unit),
                    },
                )
        return model

    return model_validator(mode="after")(check)


def _section_model(section: Section) -> type[BaseModel]:
    fields = {s.name: _field(s) for s in section.settings}
    name = "".join(part.capitalize() for part in section.id.split("_")) + "Range"
    validators = {"_ordered": _order_check(section)} if section.ordered else {}
    return create_model(name, __config__=_FROZEN, __validators__=validators, **fields)


SECTION_MODELS: dict[str, type[BaseModel]] = {s.id: _section_model(s) for s in SECTIONS}

# The profile's schema, built from the rules table: one table per rule (and the
# settings tables such as activity), each value typed and bounded; no defaults of its own.
if TYPE_CHECKING:

    class Profile(BaseModel):
        """What a type checker sees: the sections are built from the table at run time."""

        name: str

        def __getattr__(self, section: str) -> Any: ...

else:
    Profile = create_model(
        "Profile",
        __config__=_FROZEN,
        name=(str, Field(min_length=1, max_length=200)),
        **{key: (model, ...) for key, model in SECTION_MODELS.items()},
    )


def _bound_text(setting: Setting) -> str:
    low, above, high = setting.at_least, setting.more_than, setting.at_most
    unit = _amount(0, setting.unit).removeprefix("0").strip()
    tail = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"from {low:g} to {high:g}{tail}"
    if above is not None and high is not None:
        return f"above {above:g} and at most {high:g}{tail}"
    if low is not None:
        return f"of at least {low:g}{tail}"
    if above is not None:
        return f"above {above:g}{tail}"
    return f"of at most {high:g}{tail}" if high is not None else ""


def describe_error(error: ErrorDetails) -> str:
    """One validation error as a person reads it: "Speech rate – Slowest speech rate:
    must be a number of at least 20 wpm and at most 400 wpm"."""
    loc = [str(p) for p in error["loc"]]
    if error["type"] == "range_order":
        return error["msg"]
    section = section_spec(loc[0]) if loc else None
    setting = setting_spec(loc[0], loc[1]) if len(loc) > 1 else None
    if section is None or setting is None:
        where = ".".join(loc) or "profile"
        return f"{where}: {error['msg']}"
    where = f"{section.title} – {setting.label}"
    if setting.kind == "text":
        return f"{where}: must be a text of at most 2000 characters"
    whole = "a whole number" if setting.kind == "int" else "a number"
    return f"{where}: must be {whole} {_bound_text(setting)}".rstrip()


def _default_data() -> dict[str, Any]:
    text = resources.files("analyzers.data").joinpath("default_profile.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        path = f"{where}{key}"
        if key not in base:
            raise ProfileError(f"unknown profile key {path!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ProfileError(f"profile key {path!r} must be a table")
            merged[key] = _merge(base[key], value, f"{path}.")
        else:
            merged[key] = value
    return merged


def build_profile(overrides: dict[str, Any] | None = None) -> Profile:
    """The default profile with ``overrides`` (any subset of its keys) applied."""
    data = _merge(_default_data(), overrides or {})
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError("; ".join(describe_error(e) for e in exc.errors())) from None


def load_profile(path: str | Path | None = None) -> Profile:
    """Load a TOML profile file over the defaults (None = the defaults)."""
    if path is None:
        return build_profile()
    try:
        overrides = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path} is not valid TOML: {exc}") from None
    overrides.setdefault("name", Path(path).stem)
    return build_profile(overrides)


def default_profile() -> Profile:
    return build_profile()
