"""The ranges page's form: one field per profile value, labelled, with units.

Labels, units, kinds and which values only affect new analyses come from the rules
table (analyzers.rule_table); the values are validated by the profile's schema
(analyzers.profile), the same one the TOML loader and every other caller use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.errors import ProfileError
from analyzers.profile import Profile
from analyzers.rule_table import SECTIONS, Setting, section_spec, setting_spec


@dataclass(frozen=True)
class Field:
    name: str  # "section.field" (the form field name)
    label: str
    unit: str
    kind: str  # "int" | "float" | "text"
    value: Any
    default: Any
    analysis_only: bool
    minimum: float | None = None  # the input's bounds (the schema checks them again)
    maximum: float | None = None

    @property
    def changed(self) -> bool:
        return self.value != self.default


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: list[Field]


def _field(section: str, setting: Setting, value: Any, default: Any) -> Field:
    return Field(
        f"{section}.{setting.name}",
        setting.label,
        setting.unit,
        setting.kind,
        value,
        default,
        setting.analysis_only,
        setting.at_least,
        setting.at_most,
    )


def form_sections(profile: Profile, default: Profile) -> list[Section]:
    """Every section of the profile, in the rules table's order."""
    current, base = profile.model_dump(), default.model_dump()
    return [
        Section(
            spec.id,
            spec.title,
            [
                _field(spec.id, s, current[spec.id][s.name], base[spec.id][s.name])
                for s in spec.settings
            ],
        )
        for spec in SECTIONS
    ]


def _parse(setting: Setting, raw: str) -> Any:
    text = raw.strip()
    if setting.kind == "int":
        return int(text)
    if setting.kind == "float":
        return float(text.replace(",", "."))
    return text


def parse_form(form: dict[str, str]) -> dict[str, Any]:
    """Submitted fields -> a nested profile dict; raises ProfileError on a field that is
    not a number (the profile's schema checks the values themselves)."""
    wanted: dict[str, Any] = {}
    for full, raw in form.items():
        section, _, name = full.partition(".")
        setting = setting_spec(section, name)
        if setting is None:
            continue  # csrf and other non-profile fields
        try:
            value = _parse(setting, raw)
        except ValueError:
            spec = section_spec(section)  # exists: the setting was found in it
            title = spec.title if spec is not None else section
            what = "a whole number" if setting.kind == "int" else "a number"
            raise ProfileError(f"{title} – {setting.label}: {raw!r} is not {what}") from None
        wanted.setdefault(section, {})[name] = value
    return wanted
