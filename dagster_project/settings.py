"""Where things live and what a submitted file may cost, from the environment (DAZU_INBOX, DAZU_DATA_DIR,
DAZU_TARGET, DAGSTER_HOME, DAZU_MAX_*, DAZU_AS_OF_DATE)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "sources" / "reference"
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
TARGETS = ("duckdb", "postgres")
# The district's clock: the nightly schedule, reporting deadlines and "today" of the reporting calendar.
DISTRICT_TIMEZONE = ZoneInfo("Asia/Shanghai")


MIB = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    """What one submitted file may cost before it is read (shared/contract/submission-template.md, v2).

    A workbook is a zip archive: its directory says how large each part inflates to, and the reader never
    inflates a part beyond what the directory says, so these are checked before anything is parsed."""

    max_file_bytes: int = 20 * MIB  # an indicator report (.xlsx, .xls, .csv)
    max_uncompressed_bytes: int = 200 * MIB  # all parts of a workbook, inflated
    max_member_bytes: int = 100 * MIB  # one part of a workbook, inflated
    max_compression_ratio: float = 100.0  # inflated / compressed, for parts above RATIO_CHECKED_FROM
    max_members: int = 1_000  # parts of a workbook
    # Rows holding a value, over all sheets (CSV: lines). Not the template's 200,000: parsing that many rows
    # costs ~15 s here (70 µs a row), beyond what one file may add to a run; a report has hundreds of rows.
    max_rows: int = 20_000
    max_cells: int = 2_000_000  # cells holding a value, over all sheets
    max_enterprise_file_bytes: int = 2048 * MIB  # an enterprise monthly extract (CSV or Parquet)

    RATIO_CHECKED_FROM = 1 * MIB  # small parts (styles, a short sheet) compress far on their own

    @classmethod
    def from_environment(cls) -> IntakeLimits:
        def megabytes(name: str, default: int) -> int:
            value = os.environ.get(name)
            return int(float(value) * MIB) if value else default

        def number(name: str, default):
            value = os.environ.get(name)
            return type(default)(value) if value else default

        defaults = cls()
        return cls(
            max_file_bytes=megabytes("DAZU_MAX_FILE_MB", defaults.max_file_bytes),
            max_uncompressed_bytes=megabytes("DAZU_MAX_UNCOMPRESSED_MB", defaults.max_uncompressed_bytes),
            max_member_bytes=megabytes("DAZU_MAX_MEMBER_MB", defaults.max_member_bytes),
            max_compression_ratio=number("DAZU_MAX_COMPRESSION_RATIO", defaults.max_compression_ratio),
            max_members=number("DAZU_MAX_MEMBERS", defaults.max_members),
            max_rows=number("DAZU_MAX_ROWS", defaults.max_rows),
            max_cells=number("DAZU_MAX_CELLS", defaults.max_cells),
            max_enterprise_file_bytes=megabytes("DAZU_MAX_ENTERPRISE_FILE_MB", defaults.max_enterprise_file_bytes),
        )


DEFAULT_LIMITS = IntakeLimits()


@dataclass(frozen=True)
class Settings:
    inbox: Path
    data_dir: Path
    target: str = "duckdb"
    limits: IntakeLimits = DEFAULT_LIMITS
    reference_dir: Path = REFERENCE_DIR  # the catalog (DAZU_REFERENCE_DIR): what `catalog accept` writes to
    as_of_date: date | None = None  # DAZU_AS_OF_DATE: the day the reporting calendar is judged at; None: today

    def reporting_date(self) -> date:
        """The day deadlines are judged at: DAZU_AS_OF_DATE, else today in Chongqing."""
        return self.as_of_date or datetime.now(DISTRICT_TIMEZONE).date()

    @property
    def warehouse(self) -> Path:
        """The published DuckDB file that readers open (read-only)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def work_warehouse(self) -> Path:
        """The DuckDB file the pipeline builds into; readers never open it."""
        return self.data_dir / "work" / "warehouse.duckdb"

    @property
    def marts_warehouse(self) -> Path:
        """The marts, in their own DuckDB file (readers' storage format): what publishing copies."""
        return self.data_dir / "work" / "marts.duckdb"

    @property
    def build_marts_schema(self) -> str:
        """Where dbt builds the marts: PostgreSQL builds beside the published schema and swaps it in."""
        return "marts_build" if self.target == "postgres" else "marts"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def export_dir(self) -> Path:
        return self.data_dir / "export"

    @property
    def dbt_target_dir(self) -> Path:
        return self.data_dir / "dbt_target" / self.target

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".warehouse.lock"


def load_settings() -> Settings:
    """Relative paths are taken from the repository root, whatever the working directory."""
    inbox = Path(os.environ.get("DAZU_INBOX") or "sources/inbox")
    data_dir = Path(os.environ.get("DAZU_DATA_DIR") or "data")
    target = (os.environ.get("DAZU_TARGET") or "duckdb").lower()
    reference = Path(os.environ.get("DAZU_REFERENCE_DIR") or REFERENCE_DIR)
    as_of = os.environ.get("DAZU_AS_OF_DATE")
    if target not in TARGETS:
        raise ValueError(f"DAZU_TARGET must be one of {', '.join(TARGETS)}, not {target!r}")
    return Settings(
        inbox=inbox if inbox.is_absolute() else (REPO_ROOT / inbox),
        data_dir=data_dir if data_dir.is_absolute() else (REPO_ROOT / data_dir),
        target=target,
        limits=IntakeLimits.from_environment(),
        reference_dir=reference if reference.is_absolute() else (REPO_ROOT / reference),
        as_of_date=date.fromisoformat(as_of) if as_of else None,
    )
