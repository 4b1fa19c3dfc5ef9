"""The enterprise monthly feed (docs/enterprise_feed.md): large files, loaded and checked set-wise in DuckDB.

A file is read by DuckDB straight from the inbox (CSV in UTF-8; GBK is transcoded to a temporary copy first),
checked with SQL, and lands in raw.enterprise_month in one transaction, or is rejected whole with a report.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..catalog import Catalog
from ..domain import ERROR, Issue, ParsedSubmission
from ..parsing.errors import ParseError
from ..parsing.periods import parse_period
from ..parsing.text import clean_text
from ..parsing.uscc import CHARSET, WEIGHTS
from ..raw_tables import ENTERPRISE_MONTH, ENTERPRISE_SUBMISSION
from ..settings import DEFAULT_LIMITS, IntakeLimits
from ..storage import Connection, double_type, sql_string
from .reading import read_source_file
from .xlsx_reader import first_row

KEY_COLUMN = "统一社会信用代码"
TEXT_COLUMNS = {
    "统一社会信用代码": "credit_code",
    "企业名称": "enterprise_name",
    "所属园区": "park_name",
    "产业集群": "cluster_name",
    "报告期": "period_text",
}
AMOUNT_COLUMNS = {  # header -> (raw column, factor to the base unit)
    "工业总产值当月(万元)": ("output_month_yuan", 10_000),
    "工业总产值累计(万元)": ("output_ytd_yuan", 10_000),
    "营业收入(万元)": ("revenue_yuan", 10_000),
    "利润总额(万元)": ("profit_yuan", 10_000),
    "实缴税金(万元)": ("tax_yuan", 10_000),
    "综合能耗(吨标准煤)": ("energy_tce", 1),
    "研发费用(万元)": ("rd_yuan", 10_000),
    "从业人员(人)": ("employees", 1),
    "用地面积(亩)": ("land_mu", 1),
}
MAY_BE_NEGATIVE = {"profit_yuan"}
REPORTED_ROWS = 200  # rows listed in a rejection report; the counts cover all


def ensure_enterprise_schema(con: Connection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(ENTERPRISE_SUBMISSION.ddl(double_type(con.target)))
    con.execute(ENTERPRISE_MONTH.ddl(double_type(con.target)))
    _drop_month_primary_key(con)


def _drop_month_primary_key(con: Connection) -> None:
    """raw.enterprise_month of earlier versions had primary key (submission_id, row_no): dropped once, the
    rows kept. DuckDB cannot drop a constraint, so its table is copied into the new shape in one transaction."""
    if con.target == "postgres":
        for (name,) in con.execute(
            "select conname from pg_constraint where contype = 'p' and conrelid = 'raw.enterprise_month'::regclass"
        ):
            con.execute(f'alter table raw.enterprise_month drop constraint "{name}"')
        return
    if not con.execute(
        "select 1 from duckdb_constraints() where database_name = current_database() and "
        "schema_name = 'raw' and table_name = 'enterprise_month' and constraint_type = 'PRIMARY KEY'"
    ):
        return
    columns = ", ".join(ENTERPRISE_MONTH.column_names)
    with con.transaction():
        con.execute("drop table if exists raw.enterprise_month_rebuilt")
        con.execute(ENTERPRISE_MONTH.ddl(double_type(con.target), name="raw.enterprise_month_rebuilt"))
        con.execute(f"insert into raw.enterprise_month_rebuilt ({columns}) select {columns} from raw.enterprise_month")
        con.execute("drop table raw.enterprise_month")
        con.execute("alter table raw.enterprise_month_rebuilt rename to enterprise_month")


_HEADER_DB: duckdb.DuckDBPyConnection | None = None


def header_of(path: Path, limits: IntakeLimits = DEFAULT_LIMITS) -> list[str]:
    """The column names of a file, cheaply: to tell an enterprise extract from an indicator report."""
    global _HEADER_DB
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            _HEADER_DB = _HEADER_DB or duckdb.connect()  # one in-memory database: connecting costs 25 ms a file
            con = _HEADER_DB.cursor()
            try:
                return [
                    clean_text(r[0])
                    for r in con.execute(f"describe select * from read_parquet({sql_string(str(path))})").fetchall()
                ]
            finally:
                con.close()
        if suffix == ".csv":
            with open(path, "rb") as handle:
                return csv_header(handle.readline(65536))
        if suffix in (".xlsx", ".xlsm"):
            return workbook_header(path.read_bytes(), limits)
    except Exception:  # unreadable files are the indicator path's to report
        return []
    return []


def csv_header(first_line: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return [clean_text(c) for c in first_line.decode(encoding).strip().split(",")]
        except UnicodeDecodeError:
            continue
    return []


def workbook_header(data: bytes, limits: IntakeLimits) -> list[str]:
    return [clean_text(value) for value in first_row(data, limits)]


def is_enterprise_header(header: list[str]) -> bool:
    return KEY_COLUMN in header


def is_enterprise_file(path: Path) -> bool:
    return is_enterprise_header(header_of(path))


@dataclass
class EnterpriseResult:
    parsed: ParsedSubmission  # issues only; rows land set-wise
    n_rows: int
    months: list[str]


# Column types read as numbers without a detour through text: the double is the same either way
# (tests/test_enterprise_ingest.py pins it), and no text column has to be made for 490,000 rows.
NUMERIC_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "DOUBLE"}
WORK_OBJECTS = {
    "enterprise_load",
    "enterprise_rows",
    "enterprise_checked",
    "enterprise_period_map",
    "enterprise_cluster_map",
    "enterprise_area_map",
    "enterprise_resolved",
    "enterprise_new_codes",
}


def load_enterprise_file(
    engine: duckdb.DuckDBPyConnection,
    path: Path,
    catalog: Catalog,
    limits: IntakeLimits = DEFAULT_LIMITS,
    data: bytes | None = None,
) -> EnterpriseResult:
    """Reads and checks the file (a workbook from data when given: the bytes checked). Its rows are then in
    the temporary view `enterprise_checked` of engine (over the temporary table `enterprise_rows`, the file
    read once), ready for land_enterprise_rows."""
    parsed = ParsedSubmission(path.name)
    drop_enterprise_work(engine)
    source, cleanup = _readable_source(path, limits, data)
    try:
        header = header_of(path) if path.suffix.lower() == ".parquet" else []
        load_kind = "view" if header and "file_row_number" not in header else "table"
        if load_kind == "view":  # Parquet is read where it lies: the few distinct texts, then every column once
            engine.execute(
                f"create temp view enterprise_load as select file_row_number + 1 as row_no, "
                f"* exclude (file_row_number) from read_parquet({sql_string(str(path))}, file_row_number = true)"
            )
        else:  # CSV rows are numbered as they are read, in file order
            engine.execute(
                f"create temp table enterprise_load as select row_number() over () as row_no, * from {source}"
            )
        described = engine.execute("describe enterprise_load").fetchall()
        columns = {clean_text(name): name for (name, *_) in described}
        missing = [c for c in (*TEXT_COLUMNS, *AMOUNT_COLUMNS) if c not in columns]
        for column in missing:
            parsed.issues.append(
                Issue.of(ERROR, "missing_column", "missing_column.3", words={"column": column}, row=1, column=column)
            )
        if missing:
            return EnterpriseResult(parsed, engine.execute("select count(*) from enterprise_load").fetchone()[0], [])
        periods = _period_map(engine, columns["报告期"], parsed)
        _small_table(
            engine, "enterprise_period_map", "period_text varchar, period_code varchar, month_start date", periods
        )
        _name_map(
            engine,
            "enterprise_cluster_map",
            columns["产业集群"],
            "cluster_name",
            "cluster_code",
            catalog.clusters.resolve,
        )
        _name_map(engine, "enterprise_area_map", columns["所属园区"], "park_name", "area_code", catalog.areas.resolve)
        types = {clean_text(name): str(kind).upper() for (name, kind, *_) in described}
        numeric = {h for h in AMOUNT_COLUMNS if _is_numeric(types[h])}
        # The value as the file has it (__raw, for the report), and the number from text read once here;
        # numbers of numeric columns are cast where they are used (enterprise_checked), which costs nothing.
        amounts = ",\n".join(
            f"{_ident(columns[h])} as {name}__raw"
            + (
                ""
                if h in numeric
                else f", try_cast(replace(trim(cast({_ident(columns[h])} as varchar)), ',', '') as double) * {factor} as {name}"
            )
            for h, (name, factor) in AMOUNT_COLUMNS.items()
        )
        engine.execute(f"""
            create temp table enterprise_rows as
            select l.row_no,
                   upper(trim(cast({_ident(columns["统一社会信用代码"])} as varchar))) as credit_code,
                   trim(cast({_ident(columns["企业名称"])} as varchar)) as enterprise_name,
                   a.park_name, a.area_code,
                   c.cluster_name, c.cluster_code,
                   cast({_ident(columns["报告期"])} as varchar) as period_text,
                   p.period_code, p.month_start,
                   {amounts}
            from enterprise_load l
            left join enterprise_period_map p on p.period_text = cast(l.{_ident(columns["报告期"])} as varchar)
            left join enterprise_cluster_map c on c.raw = cast(l.{_ident(columns["产业集群"])} as varchar)
            left join enterprise_area_map a on a.raw = cast(l.{_ident(columns["所属园区"])} as varchar)
        """)
    except duckdb.Error as exc:
        parsed.issues.append(Issue.of(ERROR, "unreadable_file", "unreadable_file", words={"exc": exc}))
        return EnterpriseResult(parsed, 0, [])
    finally:
        cleanup()
    engine.execute(f"drop {load_kind} enterprise_load")
    values = ", ".join(
        f"cast({name}__raw as double) * {factor} as {name}"
        for h, (name, factor) in AMOUNT_COLUMNS.items()
        if h in numeric
    )
    texts = ", ".join(f"cast({name}__raw as varchar) as {name}__text" for name, _ in AMOUNT_COLUMNS.values())
    engine.execute(
        f"create temp view enterprise_checked as select *, {values + ', ' if values else ''}{texts} "
        f"from enterprise_rows"
    )
    _define_uscc_macro(engine)
    n_rows = _collect_row_errors(engine, parsed, columns, numeric)
    months = sorted({code for (_, code, _) in periods})
    return EnterpriseResult(parsed, n_rows, months)


def drop_enterprise_work(engine: duckdb.DuckDBPyConnection) -> None:
    """Frees the previous file's working tables (the cache of valid credit codes stays)."""
    for name, kind in engine.execute(
        "select view_name, 'view' from duckdb_views() where temporary union all "
        "select table_name, 'table' from duckdb_tables() where temporary"
    ).fetchall():
        if name in WORK_OBJECTS:
            engine.execute(f"drop {kind} {name}")


def _is_numeric(column_type: str) -> bool:
    if column_type in NUMERIC_TYPES:
        return True
    if column_type.startswith("DECIMAL(") and column_type.endswith(")"):
        width = column_type[len("DECIMAL(") : -1].split(",")[0]
        return width.strip().isdigit() and int(width) <= 18
    return False


def _rules(numeric: set[str]) -> list[tuple]:
    """(rule, column, shown value, condition on enterprise_checked, message): the report's order of the rules.

    A column read as a number has no unreadable value, and is missing exactly when it is null."""
    rules = [
        (
            "invalid_credit_code",
            "统一社会信用代码",
            "credit_code",
            "not uscc_ok(credit_code)",
            "enterprise.invalid_credit_code",
        ),
        (
            "unknown_cluster",
            "产业集群",
            "cluster_name",
            "cluster_code is null",
            "enterprise.unknown_cluster",
        ),
        (
            "unknown_period",
            "报告期",
            "period_text",
            "period_code is null",
            "enterprise.unknown_period",
        ),
        (
            "duplicate_enterprise_month",
            "统一社会信用代码",
            "credit_code",
            "count(*) over (partition by credit_code, period_code) > 1",
            "enterprise.duplicate_enterprise_month",
        ),
        (
            "ytd_below_month",
            "工业总产值累计(万元)",
            "output_ytd_yuan__text",
            "output_ytd_yuan < output_month_yuan - 0.005",
            "enterprise.ytd_below_month",
        ),
    ]
    for header, (name, _) in AMOUNT_COLUMNS.items():
        if header in numeric:
            unreadable, missing = "false", f"{name} is null"
        else:
            unreadable = f"{name} is null and nullif(trim(coalesce({name}__text, '')), '') is not null"
            missing = f"{name}__text is null or trim({name}__text) = ''"
        rules.append(
            (
                "unreadable_number",
                header,
                f"{name}__text",
                unreadable,
                "enterprise.unreadable_number",
            )
        )
        rules.append(
            (
                "missing_value",
                header,
                f"{name}__text",
                missing,
                "enterprise.missing_value",
            )
        )
        if name not in MAY_BE_NEGATIVE:
            rules.append(
                (
                    "negative_value",
                    header,
                    f"{name}__text",
                    f"{name} < 0",
                    "enterprise.negative_value",
                )
            )
    return rules


def _collect_row_errors(
    engine, parsed: ParsedSubmission, columns: dict[str, str], numeric: set[str] = frozenset()
) -> int:
    """Counts every rule in one pass over the file, then lists the first REPORTED_ROWS rows of each rule that
    fired. Returns the number of rows."""
    rules = _rules(numeric)
    counted = [
        (i, condition)
        for i, (rule, _, _, condition, *_) in enumerate(rules)
        if rule not in ("invalid_credit_code", "duplicate_enterprise_month") and condition != "false"
    ]
    row = engine.execute(
        "select count(*), count_if(credit_code is null)"
        + "".join(f", count_if({condition})" for _, condition in counted)
        + " from enterprise_checked"
    ).fetchone()
    n_rows, null_codes = row[0], row[1]
    counts = dict.fromkeys(range(len(rules)), 0)
    counts.update({i: n for (i, _), n in zip(counted, row[2:])})
    for i, (rule, _, _, condition, *_) in enumerate(rules):
        if rule == "duplicate_enterprise_month":
            counts[i] = engine.execute(
                "select coalesce(sum(n), 0) from (select count(*) as n from enterprise_checked "
                "group by credit_code, period_code having count(*) > 1)"
            ).fetchone()[0]
        elif rule == "invalid_credit_code" and (null_codes or _new_invalid_codes(engine)):
            counts[i] = engine.execute(f"select count(*) from enterprise_checked where {condition}").fetchone()[0]
    for i, (rule, header, shown, condition, message) in enumerate(rules):
        count = counts[i]
        if not count:
            continue
        sql = (
            f"select row_no, {shown} from (select *, {condition} as bad from enterprise_checked) "
            f"where bad order by row_no limit {REPORTED_ROWS}"
        )
        for row_no, value in engine.execute(sql).fetchall():
            parsed.issues.append(
                Issue.of(
                    ERROR,
                    rule,
                    message,
                    words={"header": header},
                    sheet="月报",
                    row=row_no + 1,
                    column=header,
                    value_text=str(value or ""),
                )
            )
        if count > REPORTED_ROWS:
            parsed.issues.append(
                Issue.of(
                    ERROR,
                    rule,
                    "more_rows_with_this_problem",
                    words={"count": count - REPORTED_ROWS},
                    sheet="月报",
                    column=header,
                )
            )
    return n_rows


def _new_invalid_codes(engine) -> int:
    """How many distinct credit codes of the file fail uscc_ok. Each code is checked once per engine: the valid
    ones are kept in the temporary table enterprise_valid_codes (a national file repeats last month's codes)."""
    engine.execute("create temp table if not exists enterprise_valid_codes (code varchar)")
    engine.execute("""
        create or replace temp table enterprise_new_codes as
        select code, uscc_ok(code) as ok
        from (select distinct c.credit_code as code from enterprise_checked c
              anti join enterprise_valid_codes v on v.code = c.credit_code
              where c.credit_code is not null)
    """)
    engine.execute("insert into enterprise_valid_codes select code from enterprise_new_codes where ok")
    invalid = engine.execute("select count_if(not ok) from enterprise_new_codes").fetchone()[0]
    engine.execute("drop table enterprise_new_codes")
    return invalid


def land_enterprise_rows(
    engine: duckdb.DuckDBPyConnection, con: Connection, submission_id: str, loaded_at: dt.datetime
) -> None:
    """Inserts the checked rows into raw.enterprise_month (inside the caller's transaction)."""
    select = (
        f"select {sql_string(submission_id)} as submission_id, row_no, credit_code, enterprise_name, "
        f"park_name, area_code, cluster_code, period_code, month_start, output_month_yuan, output_ytd_yuan, "
        f"revenue_yuan, profit_yuan, tax_yuan, energy_tce, rd_yuan, "
        f"cast(round(employees) as integer) as employees, land_mu, "
        f"cast({sql_string(loaded_at.isoformat(sep=' '))} as timestamp) as loaded_at from enterprise_checked"
    )
    columns = ", ".join(ENTERPRISE_MONTH.column_names)
    if con.target == "duckdb" and con.raw is engine:
        engine.execute(f"insert into raw.enterprise_month ({columns}) {select}")
        return
    # PostgreSQL: DuckDB writes the rows as CSV and the bytes are streamed into COPY, rather than each row
    # turned into Python values and back (a national file: 490,000 rows). DuckDB's CSV keeps what COPY
    # needs: null as an empty field, an empty text as "", doubles in their shortest exact form.
    with tempfile.TemporaryDirectory(prefix="dazu-landing-") as folder:
        rows_csv = Path(folder) / "rows.csv"
        engine.execute(f"copy ({select}) to {sql_string(str(rows_csv))} (format csv, header false)")
        with (
            con.raw.cursor() as pg,
            pg.copy(f"copy raw.enterprise_month ({columns}) from stdin (format csv)") as copy,
            open(rows_csv, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)


def _readable_source(path: Path, limits: IntakeLimits, data: bytes | None = None):
    """A DuckDB table expression for the file, and a cleanup for any temporary copy."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({sql_string(str(path))})", lambda: None
    if suffix in (".xlsx", ".xlsm"):
        # The workbook reader's limits and cells (saved formula results, merged ranges), as CSV for DuckDB.
        sheets = list(read_source_file(path.name, data or path.read_bytes(), limits).sheets.values())
        tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False, mode="w", encoding="utf-8", newline="")
        with tmp:
            _write_sheet_csv(sheets[0] if sheets else None, tmp)
        return _csv_source(Path(tmp.name)), lambda: os.unlink(tmp.name)
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
        return _csv_source(path), lambda: None
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the sample's end
            return _csv_source(path), lambda: None
    tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    with open(path, "rb") as src, open(tmp.name, "w", encoding="utf-8") as dst:
        for line in src:
            dst.write(line.decode("gb18030"))
    return _csv_source(Path(tmp.name)), lambda: os.unlink(tmp.name)


def _write_sheet_csv(sheet, handle) -> None:
    """The sheet's rows as CSV text, every value as the text it shows (a whole number without .0), the
    header's columns defining the width."""
    writer = csv.writer(handle)
    rows = sheet.rows if sheet else []
    width = max((cell.column for cell in rows[0]), default=0) if rows else 0
    for cells in rows:
        values = [""] * width
        for cell in cells:
            if cell.column <= width:
                values[cell.column - 1] = _cell_text(cell.value)
        writer.writerow(values)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    return str(value)


def _csv_source(path: Path) -> str:
    return f"read_csv({sql_string(str(path))}, header = true, all_varchar = true, delim = ',')"


def _period_map(engine, column: str, parsed: ParsedSubmission) -> list[tuple]:
    mapping = []
    for (text,) in engine.execute(f"select distinct cast({_ident(column)} as varchar) from enterprise_load").fetchall():
        try:
            period = parse_period(text)
        except ParseError:
            continue
        if period.granularity == "month":
            parsed.use_period(period)
            mapping.append((text, period.code, period.start_date))
    return mapping


def _name_map(engine, table: str, column: str, name: str, code: str, resolve) -> None:
    """The temporary table `table` (raw, name, code): each distinct text of column as the file has it, trimmed,
    and resolved by the catalog (null when unknown). Rows join it on the raw text: trimmed once per text."""
    engine.execute(
        f"create or replace temp table {table} as "
        f"select raw, trim(raw) as {name}, cast(null as varchar) as {code} "
        f"from (select distinct cast({_ident(column)} as varchar) as raw from enterprise_load) "
        f"where raw is not null"
    )
    names = [n for (n,) in engine.execute(f"select distinct {name} from {table}").fetchall()]
    resolved = [(n, c) for n in names if (c := resolve(n)) is not None]
    if resolved:
        _small_table(engine, "enterprise_resolved", "name varchar, code varchar", resolved)
        engine.execute(f"update {table} set {code} = r.code from enterprise_resolved r where r.name = {table}.{name}")
        engine.execute("drop table enterprise_resolved")


def _small_table(engine, name: str, columns: str, rows: list[tuple]) -> None:
    """A temporary table of a few rows (the distinct texts of a file and what they resolve to)."""
    engine.execute(f"create or replace temp table {name} ({columns})")
    if rows:
        engine.executemany(f"insert into {name} values ({', '.join('?' * len(rows[0]))})", [list(r) for r in rows])


def _define_uscc_macro(engine) -> None:
    """GB 32100-2015 check character, the sum over the 17 weighted characters written out (no list lambda:
    several times faster per row)."""
    terms = " + ".join(f"(strpos('{CHARSET}', substr(code, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(WEIGHTS))
    engine.execute(f"""
        create or replace temp macro uscc_ok(code) as (
            code is not null and length(code) = 18
            and regexp_full_match(code, '[{CHARSET}]{{18}}')
            and regexp_full_match(substr(code, 3, 6), '[0-9]{{6}}')
            and substr(code, 18, 1) = substr('{CHARSET}', cast((31 - ({terms}) % 31) % 31 + 1 as bigint), 1)
        )
    """)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
