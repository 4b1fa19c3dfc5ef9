"""The data team's work list as a file: reports/catalog_proposals.csv, and accepting it into the catalog.

Each run writes the proposals for every name the catalog still lacks (UTF-8 with BOM, so Excel opens it).
The data team edits it if it wants, marks rows accept = yes and runs
`python -m dagster_project.catalog accept FILE`: the accepted rows are appended to sources/reference/
(aliases.csv, indicators.csv), but only if the whole catalog then passes its check; the next run releases
the held files.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import Catalog
from .check import CatalogIssue, check_catalog
from .files import read_reference_file, to_csv
from .proposals import Proposal, propose

INDICATOR_COLUMNS = (
    "indicator_code",
    "name_zh",
    "name_en",
    "aliases",
    "base_unit",
    "display_unit_zh",
    "category",
    "category_zh",
    "direction",
    "is_additive",
    "measure_type",
    "plausible_min",
    "plausible_max",
    "measure_code",
    "form_code",
)
PROPOSAL_COLUMNS = (
    "name_as_written",
    "name_kind",
    "proposal_kind",
    "alias",
    "composes_as",
    "units_seen",
    "n_rows",
    *INDICATOR_COLUMNS,
    "accept",
)
YES = {"yes", "y", "是", "1", "true", "接受", "√", "✓"}


@dataclass(frozen=True)
class OpenName:
    name_kind: str
    name_as_written: str
    units_seen: tuple[str, ...]
    n_rows: int


def open_names(con) -> list[OpenName]:
    """Every name of held and rejected submissions, with the units written beside it."""
    rows = con.execute(
        "select u.name_kind, u.name_as_written, u.unit_text, count(*) from raw.unresolved_name u "
        "join raw.submission s on s.submission_id = u.submission_id where s.status in ('held', 'rejected') "
        "group by 1, 2, 3 order by 1, 2, 3"
    )
    names: dict[tuple[str, str], OpenName] = {}
    for kind, name, unit, count in rows:
        earlier = names.get((kind, name))
        units = (*(earlier.units_seen if earlier else ()), *([unit] if unit else []))
        names[(kind, name)] = OpenName(kind, name, units, count + (earlier.n_rows if earlier else 0))
    return list(names.values())


def proposal_rows(catalog: Catalog, names: list[OpenName]) -> list[dict]:
    rows = []
    for name in names:
        proposal = propose(catalog, name.name_kind, name.name_as_written, list(name.units_seen))
        rows.append(
            {
                "name_as_written": name.name_as_written,
                "name_kind": name.name_kind,
                "proposal_kind": proposal.proposal_kind,
                "alias": proposal.alias,
                "composes_as": proposal.form_code,
                "units_seen": "|".join(name.units_seen),
                "n_rows": name.n_rows,
                **_catalog_columns(catalog, proposal),
                "accept": "",
            }
        )
    return rows


def _catalog_columns(catalog: Catalog, proposal: Proposal) -> dict:
    if proposal.proposal_kind == "alias":
        target = catalog.indicators.get(proposal.code) if proposal.name_kind == "indicator" else None
        return {
            "indicator_code": proposal.code,
            "name_zh": target.name_zh if target else catalog.clusters.display_names.get(proposal.code, ""),
        }
    money = proposal.base_unit == "yuan"
    return {
        "indicator_code": proposal.code,
        "name_zh": proposal.name_zh,
        "name_en": f"(English name pending) {proposal.name_zh}",
        "aliases": "",
        "base_unit": proposal.base_unit,
        "display_unit_zh": proposal.display_unit_zh,
        "category": "custom",
        "category_zh": "待分类",
        "direction": "down" if proposal.base_unit == "tce" else "up",
        "is_additive": "true" if money else "false",
        "measure_type": "flow" if money or proposal.base_unit == "tce" else "level",
        "plausible_min": _number(proposal.plausible_min),
        "plausible_max": _number(proposal.plausible_max),
        "measure_code": proposal.code,
        "form_code": "level",
    }


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


def write_proposals(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(to_csv(list(PROPOSAL_COLUMNS), rows), encoding="utf-8-sig")
    tmp.replace(path)


def accept(proposals_file: Path, reference_dir: Path) -> tuple[int, list[CatalogIssue]]:
    """Appends the rows marked accept to the catalog. Nothing is written unless the catalog with them passes
    the check; returns (rows accepted, the check's issues)."""
    table = read_reference_file(proposals_file)
    if table.problem:
        return 0, [
            CatalogIssue.of(
                proposals_file.name, None, "", "catalog.the_file_cannot_be_read", words={"table_problem": table.problem}
            )
        ]
    chosen = [row for row in table.rows if row.get("accept", "").strip().lower() in YES]
    aliases = read_reference_file(reference_dir / "aliases.csv")
    indicators = read_reference_file(reference_dir / "indicators.csv")
    alias_rows = list(aliases.rows)
    indicator_rows = list(indicators.rows)
    for row in chosen:
        if row["proposal_kind"] == "alias":
            alias_rows.append(
                {
                    "name_kind": row["name_kind"],
                    "alias": row["alias"] or row["name_as_written"],
                    "code": row["indicator_code"],
                }
            )
        elif row["indicator_code"] not in {r["indicator_code"] for r in indicator_rows}:
            # several names (重点企业产值, 重点企业产值增速) propose the same new measure: it is added once
            indicator_rows.append({column: row.get(column, "") for column in INDICATOR_COLUMNS})
    with tempfile.TemporaryDirectory(prefix="dazu-catalog-") as folder:
        candidate = Path(folder)
        for path in reference_dir.glob("*.csv"):
            shutil.copy2(path, candidate / path.name)
        (candidate / "aliases.csv").write_text(to_csv(["name_kind", "alias", "code"], alias_rows), encoding="utf-8")
        (candidate / "indicators.csv").write_text(to_csv(indicators.header, indicator_rows), encoding="utf-8")
        issues = check_catalog(candidate)
        if issues:
            return 0, issues
        for name in ("aliases.csv", "indicators.csv"):
            tmp = reference_dir / (name + ".tmp")
            shutil.copy2(candidate / name, tmp)
            tmp.replace(reference_dir / name)
    return len(chosen), []
