"""What the data team could add to the catalog for a name it does not know (pure: no files).

An indicator name is first read as a form around a measure (`重点企业产值增速` = yoy_growth of 重点企业产值).
The measure part is then either close to a measure the catalog has (proposal: an alias of it, so that every
form of the name composes) or new (a new measure, its base unit inferred from the units written beside the
name, else from the words of the name). A name with no form is an alias of a close indicator, or a new
indicator. A cluster name is proposed as an alias of the closest cluster. Fuzzy matching only proposes:
nothing resolves until the data team accepts the proposal.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from ..parsing.text import normalize_name
from . import LEVEL, Catalog

ALIAS_CUTOFF = 0.8  # difflib ratio on normalised names
# Words of a name that tell the base unit of a new measure when no unit was written beside it
UNIT_WORDS = (
    (("产值", "收入", "利润", "税", "投资", "金额", "增加值", "资金", "贷款", "成交额", "营收"), "yuan", "亿元"),
    (("能耗", "标准煤"), "tce", "万吨标准煤"),
    (("面积", "厂房"), "m2", "万平方米"),
    (("人员", "人数", "人才", "就业"), "count", "人"),
    (("率", "比重", "占比", "强度"), "ratio", "%"),
)
DEFAULT_RANGES = {
    "yuan": (0, 1e13),
    "count": (0, 1e6),
    "ratio": (0, 1),
    "tce": (0, 1e8),
    "m2": (0, 1e9),
    "mu": (0, 1e7),
    "m": (0, 1e8),
    "days": (0, 3650),
    "rank": (1, 41),
    "yuan_per_mu": (0, 1e8),
    "percentage_points": (-100, 100),
}


@dataclass(frozen=True)
class Proposal:
    name_kind: str
    name_as_written: str
    proposal_kind: str  # alias | new_measure | new_indicator
    code: str  # the code the alias points to, or the new measure's or indicator's code
    alias: str = ""  # for an alias: the text that becomes the alias (the measure part of a composed name)
    form_code: str = LEVEL  # the form the name composes with once accepted
    name_zh: str = ""  # of the new measure or indicator
    base_unit: str = ""
    display_unit_zh: str = ""
    plausible_min: float | None = None
    plausible_max: float | None = None


def propose(catalog: Catalog, name_kind: str, name: str, units_seen: list[str]) -> Proposal:
    if name_kind == "cluster":
        code = _closest(catalog.clusters, name, cutoff=0.0) or "other"
        return Proposal("cluster", name, "alias", code, alias=name)
    for form in catalog.forms.values():
        if form.code == LEVEL:
            continue
        for pattern in form.patterns:
            match = pattern.fullmatch(normalize_name(name))
            if match:
                measure_text = _as_written(name, match["m"])
                close = _closest(catalog.measures, measure_text)
                if close and form.applies(catalog.indicators[close]):
                    return Proposal("indicator", name, "alias", close, alias=measure_text, form_code=form.code)
                return _new(
                    catalog,
                    name,
                    measure_text,
                    "new_measure",
                    form.code,
                    units_seen if form.base_unit == "measure" else [],
                )
    close = _closest(catalog.indicator_names, name)
    if close:
        return Proposal("indicator", name, "alias", close, alias=name)
    return _new(catalog, name, name, "new_indicator", LEVEL, units_seen)


def _new(catalog: Catalog, name: str, measure_text: str, kind: str, form_code: str, units_seen: list[str]) -> Proposal:
    base_unit, display = _unit_of(catalog, measure_text, units_seen)
    low, high = DEFAULT_RANGES.get(base_unit, (0, 1e13))
    code = "m_" + hashlib.sha1(normalize_name(measure_text).encode()).hexdigest()[:10]
    return Proposal(
        "indicator",
        name,
        kind,
        code,
        form_code=form_code,
        name_zh=measure_text,
        base_unit=base_unit,
        display_unit_zh=display,
        plausible_min=low,
        plausible_max=high,
    )


def _unit_of(catalog: Catalog, name: str, units_seen: list[str]) -> tuple[str, str]:
    for text in units_seen:
        unit = catalog.unit(text) if text else None
        if unit is not None:
            return unit.base_unit, unit.unit_zh
    for words, base_unit, display in UNIT_WORDS:
        if any(word in name for word in words):
            return base_unit, display
    return "count", "个"


def _closest(table, name: str, cutoff: float = ALIAS_CUTOFF) -> str | None:
    key = normalize_name(name)
    ratio, code = max(
        ((difflib.SequenceMatcher(None, key, known).ratio(), code) for known, code in table.keys())  # noqa: SIM118 (a NameTable, not a dict), default=(0.0, None)
    )
    return code if ratio >= cutoff else None


def _as_written(name: str, normalised_part: str) -> str:
    """The measure part of a name as the submitter wrote it, where it can be found in the name."""
    index = normalize_name(name).find(normalised_part)
    return (
        name[index : index + len(normalised_part)]
        if index >= 0 and len(name) == len(normalize_name(name))
        else normalised_part
    )
