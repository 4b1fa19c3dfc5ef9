"""The reference data (sources/reference/*.csv) and name resolution against it.

Loading reads CSV files; everything else is pure and works on the loaded tables.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .parsing.text import clean_text, normalize_name

NON_NEGATIVE_UNITS = frozenset({"count", "yuan", "mu", "m2", "m", "days", "yuan_per_mu"})
REFERENCE_FILES = ("areas.csv", "clusters.csv", "departments.csv", "indicators.csv", "units.csv")


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


class NameTable:
    """Codes by every normalised name and alias, with closest-name suggestions."""

    def __init__(self, kind_zh: str, kind_en: str, rows: list[dict], code_column: str,
                 name_columns: tuple[str, ...]):
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

    def closest(self, name: object, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(normalize_name(name), list(self._by_key), n=12, cutoff=0.4)
        codes: list[str] = []
        for key in keys:
            code = self._by_key[key]
            if code not in codes:
                codes.append(code)
        return [self.display_names[c] for c in codes[:n]]


class Catalog:
    def __init__(self, tables: dict[str, list[dict]], version: str = ""):
        self.version = version
        self.areas = NameTable("统计范围", "area", tables["areas.csv"], "area_code", ("name_zh",))
        self.clusters = NameTable("产业集群", "cluster", tables["clusters.csv"], "cluster_code", ("name_zh",))
        self.departments = NameTable(
            "报送单位", "department", tables["departments.csv"], "department_code", ("name_zh", "full_name_zh")
        )
        self.indicator_names = NameTable("指标", "indicator", tables["indicators.csv"], "indicator_code", ("name_zh",))
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
            )
            for row in tables["indicators.csv"]
        }
        self.units: dict[str, Unit] = {}
        for row in tables["units.csv"]:
            unit = Unit(row["unit_zh"], row["base_unit"], Decimal(row["factor"]))
            for name in [row["unit_zh"], *(a for a in (row["aliases"] or "").split("|") if a)]:
                self.units[clean_text(name).lower()] = unit

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
    tables: dict[str, list[dict]] = {}
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        data = (reference_dir / name).read_bytes()
        digest.update(name.encode() + b"\0" + data)
        tables[name] = list(csv.DictReader(data.decode("utf-8").splitlines()))
    return Catalog(tables, version=digest.hexdigest()[:16])
