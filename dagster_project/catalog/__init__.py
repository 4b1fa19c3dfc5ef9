"""The reference data (sources/reference/*.csv) and name resolution against it.

An indicator is a measure (what is counted or summed: 规上工业增加值, 专精特新企业) in a form (the level
itself, its growth, a share, a rank in the city …; sources/reference/forms.csv). A name resolves by exact
match, after normalisation, to a catalog indicator or alias, or else by composition: a form's template
(`{m}增长`, `{m}占全市{any}比重`, `新增{m}`) around a measure's name. A composed indicator needs no row of its
own: its code is `<measure>__<form>` unless the catalog lists that pair under a code of its own. Fuzzy
matching only ever suggests.

Loading reads CSV files (catalog/files.py); everything else is pure and works on the loaded tables.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from ..parsing.text import clean_text, normalize_name

# Amounts: counts, money, areas, lengths, durations, money per area. The gate's year-on-year rule compares
# them as relative changes; energy and mass (tce, t, kwh) are never negative but are not compared so.
AMOUNT_UNITS = frozenset({"count", "yuan", "mu", "m2", "m", "days", "yuan_per_mu"})
NON_NEGATIVE_UNITS = AMOUNT_UNITS | {"tce", "t", "kwh"}
REFERENCE_FILES = (
    "areas.csv",
    "clusters.csv",
    "departments.csv",
    "indicators.csv",
    "units.csv",
    "forms.csv",
    "aliases.csv",
)
LEVEL = "level"
PLACEHOLDERS = {
    "m": r"(?P<m>.+?)",
    "base": r"(?P<base>\d{4})年?",
    "n": r"\d+",
    "g": r"(?:增速|增幅|增长率|同比增长|增长)",
    "any": r".*?",
}
NEGATING_WORDS = ("下降", "减少", "降低", "降幅")
CLUSTER_OUTPUT = re.compile(r"(?:产业集群|产业|集群)?(产值.*)")  # 汽摩产业产值增长 -> 规上工业总产值增长, cluster 汽摩


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    base_unit: str
    display_unit_zh: str
    direction: str
    is_additive: bool
    measure_type: str
    plausible_min: float
    plausible_max: float
    measure_code: str = ""
    form_code: str = LEVEL
    category: str = ""
    category_zh: str = ""

    @property
    def is_amount(self) -> bool:
        """Compared year on year as a relative change (AMOUNT_UNITS)."""
        return self.base_unit in AMOUNT_UNITS

    @property
    def is_non_negative(self) -> bool:
        """Counts, money, areas, lengths, durations: never below zero."""
        return self.base_unit in NON_NEGATIVE_UNITS

    @property
    def is_bounded_ratio(self) -> bool:
        """Shares, rates of use, penetration: a fraction of a whole, never above 100%."""
        return self.base_unit == "ratio" and self.plausible_min >= 0 and self.plausible_max <= 1

    @property
    def is_change_rate(self) -> bool:
        """Growth and change rates: a ratio that may be negative, never below -100%."""
        return self.base_unit == "ratio" and self.plausible_min < 0


@dataclass(frozen=True)
class Unit:
    unit_zh: str
    base_unit: str
    factor: Decimal


@dataclass(frozen=True)
class Form:
    code: str
    name_zh: str
    name_en: str
    patterns: tuple  # compiled templates, matched against a normalised name
    display_zh: str
    display_en: str
    base_unit: str  # or "measure": the measure's
    display_unit_zh: str
    direction: str
    is_additive: str
    measure_type: str
    plausible_min: str
    plausible_max: str
    applies_to: frozenset  # base units of the measures it applies to, or {"any"}
    fallback: bool = False  # tried only when no other form composes the name (占…比重 with any parent)

    def applies(self, measure: Indicator) -> bool:
        return "any" in self.applies_to or measure.base_unit in self.applies_to

    def compose(self, measure: Indicator, code: str) -> Indicator:
        """The indicator of this form of measure: the form's unit, direction and range where it has its own."""

        def own(value: str, inherited):
            return inherited if value in ("", "measure") else value

        return Indicator(
            code=code,
            name_zh=self.display_zh.replace("{m}", measure.name_zh),
            name_en=self.display_en.replace("{m}", measure.name_en[:1].lower() + measure.name_en[1:]),
            base_unit=own(self.base_unit, measure.base_unit),
            display_unit_zh=own(self.display_unit_zh, measure.display_unit_zh),
            direction=own(self.direction, measure.direction),
            is_additive=own(self.is_additive, "true" if measure.is_additive else "false") == "true",
            measure_type=own(self.measure_type, measure.measure_type),
            plausible_min=float(own(self.plausible_min, measure.plausible_min)),
            plausible_max=float(own(self.plausible_max, measure.plausible_max)),
            measure_code=measure.code,
            form_code=self.code,
            category=measure.category,
            category_zh=measure.category_zh,
        )


def compile_template(template: str) -> re.Pattern:
    """`{m}占全市{any}比重` -> a regular expression over normalised names (literal parts normalised alike)."""
    parts = re.split(r"(\{\w+\})", template)
    regex = "".join(
        PLACEHOLDERS[p[1:-1]] if p.startswith("{") and p[1:-1] in PLACEHOLDERS else re.escape(clean_text(p).lower())
        for p in parts
    )
    return re.compile(regex)


@dataclass(frozen=True)
class Composition:
    """A name read as a form of a measure."""

    indicator: Indicator
    base_period: str | None = None  # 较2022年下降: the base period the name gives
    negated: bool = False  # 下降 / 减少: a positive value is a decrease
    cluster_code: str | None = None  # 汽摩产业产值: the cluster the name gives


class CompositionError(ValueError):
    """A name that composes two ways."""

    def __init__(self, readings: list[Indicator]):
        super().__init__(" / ".join(r.code for r in readings))
        self.readings = readings


class NameTable:
    """Codes by every normalised name and alias, with closest-name suggestions."""

    def __init__(self, kind_zh: str, kind_en: str, rows: list[dict], code_column: str, name_columns: tuple[str, ...]):
        self.kind_zh = kind_zh
        self.kind_en = kind_en
        self.display_names: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        for row in rows:
            code = row[code_column]
            self.display_names[code] = row[name_columns[0]]
            names = [row[c] for c in name_columns if row.get(c)]
            names += [a for a in (row.get("aliases") or "").split("|") if a]
            for name in names:
                key = normalize_name(name)
                other = self._by_key.setdefault(key, code)
                if other != code:
                    raise ValueError(f"{kind_zh}: name {name!r} is used by both {other} and {code}")
            self._by_key.setdefault(normalize_name(code), code)

    def resolve(self, name: object) -> str | None:
        return self._by_key.get(normalize_name(name))

    def keys(self):
        """(normalised name, code) of every name and alias."""
        return self._by_key.items()

    def closest(self, name: object, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(normalize_name(name), list(self._by_key), n=12, cutoff=0.4)
        codes: list[str] = []
        for key in keys:
            code = self._by_key[key]
            if code not in codes:
                codes.append(code)
        return [self.display_names[c] for c in codes[:n]]


def _with_aliases(rows: list[dict], code_column: str, aliases: list[dict], kind: str) -> list[dict]:
    """rows with the aliases the data team accepted (aliases.csv) added to their own."""
    extra: dict[str, list[str]] = {}
    for alias in aliases:
        if alias["name_kind"] == kind:
            extra.setdefault(alias["code"], []).append(alias["alias"])
    return [
        {**row, "aliases": "|".join(filter(None, [row.get("aliases") or "", *extra.get(row[code_column], [])]))}
        for row in rows
    ]


class Catalog:
    def __init__(self, tables: dict[str, list[dict]], version: str = ""):
        self.version = version
        aliases = tables.get("aliases.csv", [])
        self.areas = NameTable("统计范围", "area", tables["areas.csv"], "area_code", ("name_zh",))
        self.clusters = NameTable(
            "产业集群",
            "cluster",
            _with_aliases(tables["clusters.csv"], "cluster_code", aliases, "cluster"),
            "cluster_code",
            ("name_zh",),
        )
        self.departments = NameTable(
            "报送单位", "department", tables["departments.csv"], "department_code", ("name_zh", "full_name_zh")
        )
        indicator_rows = _with_aliases(tables["indicators.csv"], "indicator_code", aliases, "indicator")
        self.indicator_names = NameTable("指标", "indicator", indicator_rows, "indicator_code", ("name_zh",))
        self.indicators = {
            row["indicator_code"]: Indicator(
                code=row["indicator_code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                base_unit=row["base_unit"],
                display_unit_zh=row["display_unit_zh"],
                direction=row["direction"],
                is_additive=row["is_additive"] == "true",
                measure_type=row["measure_type"],
                plausible_min=float(row["plausible_min"]),
                plausible_max=float(row["plausible_max"]),
                measure_code=row.get("measure_code") or row["indicator_code"],
                form_code=row.get("form_code") or LEVEL,
                category=row.get("category", ""),
                category_zh=row.get("category_zh", ""),
            )
            for row in indicator_rows
        }
        self.catalog_codes = frozenset(self.indicators)
        self.forms = {
            row["form_code"]: Form(
                code=row["form_code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                patterns=tuple(compile_template(t) for t in row["templates"].split("|") if t),
                display_zh=row["display_zh"],
                display_en=row["display_en"],
                base_unit=row["base_unit"],
                display_unit_zh=row["display_unit_zh"],
                direction=row["direction"],
                is_additive=row["is_additive"],
                measure_type=row["measure_type"],
                plausible_min=row["plausible_min"],
                plausible_max=row["plausible_max"],
                applies_to=frozenset(row["applies_to"].split("|")),
                fallback=row.get("fallback") == "true",
            )
            for row in tables.get("forms.csv", [])
        }
        levels = [row for row in indicator_rows if (row.get("form_code") or LEVEL) == LEVEL]
        self.measures = NameTable("计量项", "measure", levels, "indicator_code", ("name_zh",))
        # (measure, form) -> the catalog's own code for that pair (a composition lands under it)
        self.by_pair = {(i.measure_code, i.form_code): code for code, i in self.indicators.items()}
        self.units: dict[str, Unit] = {}
        for row in tables["units.csv"]:
            unit = Unit(row["unit_zh"], row["base_unit"], Decimal(row["factor"]))
            for name in [row["unit_zh"], *(a for a in (row["aliases"] or "").split("|") if a)]:
                self.units[clean_text(name).lower()] = unit

    def resolve_indicator(self, name: object) -> Composition | None:
        """A catalog name or alias, else a form of a measure, else the same without a leading scope (全区规上
        工业增加值: the scope is the 统计范围 column's); None when none; CompositionError when the name composes
        more than one way."""
        code = self.indicator_names.resolve(name)
        if code is not None:
            return Composition(self.indicators[code])
        readings = self.compositions(name) or self.compositions(name, fallback=True)
        if len({r.indicator.code for r in readings}) > 1:
            raise CompositionError(list({r.indicator.code: r.indicator for r in readings}.values()))
        if readings:
            return readings[0]
        key = normalize_name(name)
        rest = self._without_scope(key)
        if rest:
            return self.resolve_indicator(rest)
        return self._cluster_output(key)

    def _cluster_output(self, key: str) -> Composition | None:
        """A cluster's output named by the cluster (汽摩产业产值, 五金产业产值增长): the district's above-scale
        output or a form of it, for that cluster."""
        for cluster, code in sorted(self.clusters.keys(), key=lambda item: -len(item[0])):
            if code == "other" or not key.startswith(cluster):
                continue
            match = CLUSTER_OUTPUT.fullmatch(key[len(cluster) :])
            if match:
                reading = self.resolve_indicator("规上工业总" + match[1])
                if reading is not None and reading.indicator.measure_code == "above_scale_industrial_output":
                    return replace(reading, cluster_code=code)
        return None

    def _without_scope(self, key: str) -> str | None:
        for scope, _code in sorted(self.areas.keys(), key=lambda item: -len(item[0])):
            if key.startswith(scope) and len(key) > len(scope):
                return key[len(scope) :]
        return key[2:] if key.startswith("我区") and len(key) > 2 else None

    def compositions(self, name: object, fallback: bool = False) -> list[Composition]:
        key = normalize_name(name)
        readings = []
        for form in self.forms.values():
            if form.code == LEVEL or form.fallback != fallback:
                continue
            for pattern in form.patterns:
                match = pattern.fullmatch(key)
                if not match:
                    continue
                measure_code = self.measures.resolve(match["m"])
                if measure_code is None or not form.applies(self.indicators[measure_code]):
                    continue
                readings.append(
                    Composition(
                        self.composed(measure_code, form.code),
                        match.groupdict().get("base"),
                        any(word in key[match.end("m") :] for word in NEGATING_WORDS),
                    )
                )
                break
        return readings

    def composed(self, measure_code: str, form_code: str) -> Indicator:
        """The indicator for a form of a measure: the catalog's own row for the pair, else composed, and kept
        in self.indicators so that every rule finds it by code."""
        code = self.by_pair.get((measure_code, form_code)) or f"{measure_code}__{form_code}"
        if code not in self.indicators:
            self.indicators[code] = self.forms[form_code].compose(self.indicators[measure_code], code)
        return self.indicators[code]

    def is_composed(self, code: str) -> bool:
        return code not in self.catalog_codes

    def unit(self, text: object) -> Unit | None:
        """A unit by its name or alias; 万台 and the like are a multiplier times a known unit."""
        key = clean_text(text).lower()
        if key in self.units:
            return self.units[key]
        for prefix, factor in (("万", 10_000), ("亿", 100_000_000)):
            if key.startswith(prefix) and key[1:] in self.units:
                inner = self.units[key[1:]]
                return Unit(key, inner.base_unit, inner.factor * factor)
        return None

    def display_unit(self, indicator: Indicator) -> Unit:
        unit = self.unit(indicator.display_unit_zh)
        if unit is None or unit.base_unit != indicator.base_unit:
            raise ValueError(f"display unit of {indicator.code} does not fit its base unit")
        return unit


def load_catalog(reference_dir: Path) -> Catalog:
    """The catalog as catalog/files.py reads it (the reader the check validates with); its version is a hash
    of the files' bytes, so that any edit retries the files waiting for it."""
    from .files import read_reference_file

    tables: dict[str, list[dict]] = {}
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        path = reference_dir / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
        tables[name] = read_reference_file(path).rows
    return Catalog(tables, version=digest.hexdigest()[:16])
