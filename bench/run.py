"""`make bench`: the enterprise path's performance against a DuckDB floor and a pandas script, and the
nightly job's and the UI's times, written to docs/benchmarks.md (below its marker).

    .venv/bin/python bench/run.py [--scales district,city,national] [--quick] [--no-ui] [--keep]

Everything runs as children of this process, one at a time, on the same generated data
(data/bench/<scale>/, regenerated only when the generator changes). Each child is measured by
bench/measure.py: wall time, and the peak of the summed resident memory of its process tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import overhead
from intake import measure_intake, write_intake_doc
from measure import (
    CLK_TCK,
    Measurement,
    load_average,
    machine_busy_seconds,
    measure,
    tree_pids,
    tree_rss,
    wait_until_quiet,
)

from bi import measure_bi, write_bi_doc
from dagster_project.storage import duckdb_config
from tests.processes import free_port

DATA = ROOT / "data" / "bench"
RUNS = DATA / "runs"
DOC = ROOT / "docs" / "benchmarks.md"
GENERATOR = ROOT / "sources" / "generate_enterprises.py"
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
SCALES = ("district", "city", "national")
MONTHS = "2023-01:2024-12"
NEXT_MONTH = "2025-01"  # the new month of the incremental run
MARKER = "<!-- Everything below is written by bench/run.py (make bench); edit above this line only. -->"
MIB = 1024 * 1024

# Goals (issue): measured by this benchmark.
NIGHTLY_GOAL_S = 15.0
RATIO_GOAL = 1.5
MEMORY_GOAL_MIB = 2048.0
INCREMENTAL_GOAL = 0.25
# What every DuckDB of the pipeline is capped at: the floor is also measured under it at national scale, for
# information.
PIPELINE_MEMORY_LIMIT = duckdb_config()["memory_limit"]

BASE_ENV = {
    **os.environ,
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "DAZU_TARGET": "duckdb",
    "PYTHONUNBUFFERED": "1",
}
for _key in ("DAZU_INBOX", "DAZU_DATA_DIR", "DAGSTER_HOME"):
    BASE_ENV.pop(_key, None)


QUIET_WAIT = 20.0  # --quiet-wait: at most this long before each measurement, for other work to finish


def quiet() -> dict:
    """Before a measurement: the files earlier runs wrote are flushed to disk (their write-back would
    otherwise land in this measurement: a national run writes ~3.5 GB), and other work on the machine gets a
    chance to finish (see --quiet-wait)."""
    os.sync()
    if QUIET_WAIT <= 0:
        return {}
    waited, cores = wait_until_quiet(QUIET_WAIT)
    if cores >= 0.3:
        log(f"  (the machine is still busy after {waited:.0f} s: {cores:.1f} cores in use by other work)")
    return {"waited_s": waited, "busy_cores_at_start": cores}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
def monthly_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".parquet", ".csv")) if folder.exists() else []


def generate(scale: str, months: str = MONTHS, folder: str | None = None) -> dict:
    """data/bench/<folder>/: the generator's monthly Parquet files, made again only when it changed."""
    out = DATA / (folder or scale)
    stamp = DATA / f"{folder or scale}.stamp"
    key = hashlib.sha256(GENERATOR.read_bytes() + f"{scale}|{months}|parquet".encode()).hexdigest()
    info: dict = {"scale": scale, "folder": str(out.relative_to(ROOT))}
    if not (stamp.exists() and stamp.read_text().strip() == key and monthly_files(out)):
        log(f"generating {scale} {months} …")
        shutil.rmtree(out, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        m = measure(
            [
                PYTHON,
                str(GENERATOR),
                "--scale",
                scale,
                "--out",
                str(out),
                "--format",
                "parquet",
                "--months",
                months,
                "--quiet",
            ],
            env=BASE_ENV,
            cwd=ROOT,
            log_dir=DATA / "logs",
            name=f"generate-{folder or scale}",
        )
        if not m.ok:
            raise SystemExit(f"the generator failed for {scale}:\n{m.stderr_tail}")
        stamp.write_text(key)
        info["generated_s"] = m.wall_s
    files = monthly_files(out)
    import duckdb

    con = duckdb.connect()
    paths = [str(p) for p in files]
    rows, enterprises = con.execute(
        f'select count(*), count(distinct "统一社会信用代码") from read_parquet({paths})'
    ).fetchone()
    con.close()
    info.update(
        files=len(files), rows=rows, enterprises=enterprises, size_mib=sum(p.stat().st_size for p in files) / MIB
    )
    return info


def link_into(folder: Path, files: list[Path]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = folder / path.name
        if target.exists():
            continue
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


# ---------------------------------------------------------------------------------------------
# The measured commands
# ---------------------------------------------------------------------------------------------
def fresh(name: str) -> Path:
    folder = RUNS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def run_pipeline(name: str, inbox: Path | None, run_dir: Path | None = None, timeout: float = 3600) -> Measurement:
    """The nightly job once (`python -m dagster_project.run_once`), on inbox, into its own data folder."""
    run_dir = run_dir or fresh(name)
    env = {**BASE_ENV, "DAZU_DATA_DIR": str(run_dir / "data"), "DAGSTER_HOME": str(run_dir / "dagster_home")}
    if inbox is not None:
        env["DAZU_INBOX"] = str(inbox)
    log(f"pipeline {name} (inbox {inbox.relative_to(ROOT) if inbox else 'sources/inbox'}) …")
    waited = quiet()
    m = measure(
        [PYTHON, "-m", "dagster_project.run_once"],
        env=env,
        cwd=ROOT,
        log_dir=DATA / "logs",
        name=f"pipeline-{name}",
        timeout=timeout,
    )
    m.extra.update(waited, run_dir=str(run_dir))
    run_log = run_dir / "data" / "logs" / "make_run.log"
    m.extra["breakdown"] = breakdown(run_dir, m.wall_s)
    if not m.ok and run_log.exists():
        m.extra["log_tail"] = run_log.read_text(encoding="utf-8", errors="replace")[-3000:]
    _report(name, m)
    return m


_STAMP = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) [+-]\d{4} - dagster - \w+ - \w+ - [0-9a-f-]+ - \d+ - (RUN_START|RUN_SUCCESS|RUN_FAILURE)"
)


def _seconds(text: str) -> float:
    """Dagster's durations: 212ms, 22.53s, 2m8s, 1h2m3s."""
    total = 0.0
    for value, unit in re.findall(r"([0-9.]+)(ms|h|m|s)", text):
        total += float(value) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def breakdown(run_dir: Path, wall: float) -> dict:
    """Where a pipeline run's time went: Dagster's steps (make_run.log), the rest of the process (start-up,
    loading the definitions, the summary), and dbt's slowest nodes (run_results.json)."""
    out: dict = {"steps": [], "dbt": []}
    run_log = run_dir / "data" / "logs" / "make_run.log"
    if run_log.exists():
        text = run_log.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if m := re.search(r'Finished execution of step "([^"]+)" in (\S+?)\.$', line):
                out["steps"].append((m[1], _seconds(m[2])))
            elif m := _STAMP.match(line):
                out[m[2]] = dt.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S").timestamp()
        if "RUN_START" in out and ("RUN_SUCCESS" in out or "RUN_FAILURE" in out):
            run_s = out.get("RUN_SUCCESS", out.get("RUN_FAILURE")) - out["RUN_START"]
            out["outside_run_s"] = max(0.0, wall - run_s)  # to the second: the log's stamps are
    results = run_dir / "data" / "dbt_target" / "duckdb" / "run_results.json"
    if results.exists():
        try:
            data = json.loads(results.read_text(encoding="utf-8"))
            out["dbt_elapsed_s"] = data.get("elapsed_time")
            out["dbt_nodes"] = len(data.get("results", []))
            nodes = sorted(data.get("results", []), key=lambda r: -(r.get("execution_time") or 0))
            out["dbt"] = [
                (
                    r["unique_id"].split(".", 2)[0] + " " + r["unique_id"].split(".")[-1]
                    if not r["unique_id"].startswith("test.")
                    else "test " + r["unique_id"].split(".")[2],
                    r.get("execution_time") or 0,
                )
                for r in nodes[:6]
            ]
        except (OSError, ValueError, KeyError):
            pass
    return out


def render_breakdown(label: str, m: Measurement | None) -> list[str]:
    if m is None or not m.extra.get("breakdown"):
        return []
    b = m.extra["breakdown"]
    parts = []
    if "outside_run_s" in b:
        parts.append(
            f"outside the run (Python start, loading the definitions, the summary) ≈ {b['outside_run_s']:.0f} s"
        )
    parts += [f"{name} {secs:.1f} s" for name, secs in sorted(b["steps"], key=lambda x: -x[1])[:5]]
    line = f"- {label} ({m.wall_s:.1f} s): " + ", ".join(parts)
    if b.get("dbt"):
        line += (
            f". dbt build: {b.get('dbt_nodes')} nodes in {b.get('dbt_elapsed_s') or 0:.1f} s; slowest: "
            + ", ".join(f"{name} {secs:.1f} s" for name, secs in b["dbt"][:5])
        )
    return [line + "."]


def run_floor(scale: str, inbox: Path) -> Measurement:
    """(b), the floor: the same work as the pipeline, marts and what it keeps and checks beside them."""
    return _run_script("floor", "floor.py", scale, inbox, "floor.duckdb")


def run_marts_only_floor(scale: str, inbox: Path, memory_limit: str | None = None) -> Measurement:
    """(b₀), for information: the marts alone (and (b₀′) under a memory cap)."""
    if memory_limit is None:
        return _run_script("floor-marts-only", "floor.py", scale, inbox, "floor.duckdb", ["--marts-only"])
    return _run_script(
        "floor-marts-only-capped",
        "floor.py",
        scale,
        inbox,
        "floor.duckdb",
        ["--marts-only", "--memory-limit", memory_limit],
    )


def run_one_new_month(scale: str, full: Measurement) -> Measurement:
    """(d): the next month's file added to the inbox of the full run (a), the job again in (a)'s data folder."""
    inbox = DATA / f"{scale}-plus-one-month"
    shutil.rmtree(inbox, ignore_errors=True)
    link_into(inbox, monthly_files(DATA / scale) + monthly_files(DATA / f"{scale}-next"))
    try:
        return run_pipeline(f"incremental-{scale}", inbox, Path(full.extra["run_dir"]))
    finally:
        shutil.rmtree(inbox, ignore_errors=True)


def fastest_run(runs: list[Measurement]) -> Measurement:
    """The fastest successful run (or the first, when none succeeded)."""
    ok = [m for m in runs if m.ok]
    return min(ok, key=lambda m: m.wall_s) if ok else runs[0]


def run_pandas(scale: str, inbox: Path) -> Measurement:
    return _run_script("pandas", "pandas_version.py", scale, inbox, "marts")


def _run_script(
    kind: str, script: str, scale: str, inbox: Path, output: str, options: list[str] | None = None
) -> Measurement:
    """(b) or (c): bench/<script> INBOX OUT, measured like the pipeline."""
    out = fresh(f"{kind}-{scale}") / output
    log(f"{kind} {scale} …")
    waited = quiet()
    m = measure(
        [PYTHON, str(HERE / script), str(inbox), str(out), *(options or [])],
        env=BASE_ENV,
        cwd=ROOT,
        log_dir=DATA / "logs",
        name=f"{kind}-{scale}",
    )
    m.extra.update(waited, output=str(out))
    phases = re.search(r"\((marts [^)]*)\)\s*$", m.stdout_tail or "")
    if phases:  # floor.py's own account of its phases
        m.extra["phases"] = phases.group(1)
    _report(f"{kind} {scale}", m)
    return m


def _report(name: str, m: Measurement) -> None:
    status = "ok" if m.ok else f"FAILED (exit {m.returncode})"
    log(
        f"  {name}: {status}, {m.wall_s:.1f} s, peak {m.peak_mib:.0f} MiB, cpu {m.cpu_s:.1f} s, "
        f"other work {m.others_cores:.1f} cores"
    )
    if not m.ok:
        log("  " + (m.extra.get("log_tail") or m.stderr_tail or m.stdout_tail)[-1500:].replace("\n", "\n  "))


def cross_check(scale: str, floor: Measurement, pandas: Measurement, pipeline: Measurement | None) -> dict:
    """Do the three agree? bench/compare.py on their outputs."""
    if not (floor.ok and pandas.ok):
        return {"checked": False}
    args = [PYTHON, str(HERE / "compare.py"), floor.extra["output"], pandas.extra["output"]]
    if pipeline is not None and pipeline.ok:
        args.append(str(Path(pipeline.extra["run_dir"]) / "data" / "warehouse.duckdb"))
    log(f"comparing the outputs at {scale} …")
    done = subprocess.run(args, cwd=ROOT, env=BASE_ENV, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {
        "checked": True,
        "lines": lines,
        "all_same": bool(lines) and all(" same " in line for line in lines),
        "stderr": done.stderr[-1000:],
    }


# ---------------------------------------------------------------------------------------------
# The UI
# ---------------------------------------------------------------------------------------------
WORKSPACE_QUERY = """{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def _post(url: str, query: str) -> dict | None:
    request = urllib.request.Request(
        url, data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def ui_startup(timeout: float = 300) -> dict:
    """`dagster dev` until the web server answers and the code location is loaded; then stopped."""
    run_dir = fresh("ui")
    home = run_dir / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    port = free_port()
    env = {**BASE_ENV, "DAGSTER_HOME": str(home), "DAZU_DATA_DIR": str(run_dir / "data")}
    log_path = DATA / "logs" / "ui.log"
    log(f"dagster dev on 127.0.0.1:{port} …")
    result: dict = {"port": port, **quiet(), "load_before": load_average()}
    busy_before = machine_busy_seconds()
    with open(log_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        peak = 0
        try:
            while time.perf_counter() - start < timeout:
                peak = max(peak, tree_rss(proc.pid)[0])
                if proc.poll() is not None:
                    result["error"] = f"dagster dev exited with {proc.returncode}"
                    break
                if "server_s" not in result:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as r:
                            if r.status == 200:
                                result["server_s"] = time.perf_counter() - start
                    except (urllib.error.URLError, OSError):
                        pass
                if "server_s" in result:
                    answer = _post(f"http://127.0.0.1:{port}/graphql", WORKSPACE_QUERY) or {}
                    entries = ((answer.get("data") or {}).get("workspaceOrError") or {}).get("locationEntries") or []
                    if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                        result["loaded_s"] = time.perf_counter() - start
                        result["locations"] = {e["name"]: e["locationOrLoadError"]["__typename"] for e in entries}
                        errors = [
                            e["locationOrLoadError"].get("message", "")
                            for e in entries
                            if e["locationOrLoadError"]["__typename"] != "RepositoryLocation"
                        ]
                        if errors:
                            result["error"] = "code location failed to load: " + errors[0][:300]
                        break
                time.sleep(0.2)
            else:
                result["error"] = f"not ready after {timeout:.0f} s"
            result["peak_mib"] = max(peak, tree_rss(proc.pid)[0]) / MIB
            elapsed = time.perf_counter() - start
            tree_cpu = _tree_cpu_seconds(proc.pid)
            result["others_cores"] = max(0.0, machine_busy_seconds() - busy_before - tree_cpu) / elapsed
        finally:
            stop = time.perf_counter()
            _stop_group(proc)
            result["stop_s"] = time.perf_counter() - stop
    result["load_after"] = load_average()
    shutil.rmtree(run_dir, ignore_errors=True)
    if "loaded_s" in result:
        log(
            f"  UI: web server answers after {result['server_s']:.1f} s, code location loaded after "
            f"{result['loaded_s']:.1f} s, peak {result['peak_mib']:.0f} MiB"
        )
    else:
        log(f"  UI: {result.get('error')} (see {log_path})")
    return result


def _tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by the live processes of a tree (utime + stime of /proc/<pid>/stat)."""
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def _stop_group(proc: subprocess.Popen) -> None:
    """Ctrl-C to `dagster dev` (it stops its web server, daemon and code server), then the whole group."""
    for sig, to_group, wait in ((signal.SIGINT, False, 30), (signal.SIGTERM, True, 10), (signal.SIGKILL, True, 10)):
        try:
            os.killpg(proc.pid, sig) if to_group else proc.send_signal(sig)
        except ProcessLookupError:
            pass
        deadline = time.time() + wait
        while time.time() < deadline and (proc.poll() is None or _group_alive(proc.pid)):
            time.sleep(0.2)
        if proc.poll() is not None and not _group_alive(proc.pid):
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        mem_kib = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal"))
    os_name = platform.system()
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            os_name = next(
                line.split("=", 1)[1].strip().strip('"') for line in handle if line.startswith("PRETTY_NAME")
            )
    except (OSError, StopIteration):
        pass

    def version(package: str) -> str:
        try:
            return md.version(package)
        except md.PackageNotFoundError:
            return "-"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": mem_kib / 1024 / 1024,
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "pandas": version("pandas"),
        "dagster": version("dagster"),
        "dbt-core": version("dbt-core"),
        "dbt-duckdb": version("dbt-duckdb"),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------
def fmt_s(m: Measurement | None) -> str:
    if m is None:
        return "—"
    return f"{m.wall_s:.1f}" if m.ok else f"failed ({m.wall_s:.0f} s)"


def fmt_mib(m: Measurement | None) -> str:
    return "—" if m is None else f"{m.peak_mib:,.0f}"


TABLE_HEAD = ["| run | wall s | CPU s | peak MiB | other work |", "|---|---:|---:|---:|---:|"]


def row(label: str, m: Measurement | None) -> str:
    if m is None:
        return f"| {label} | — | — | — | |"
    return f"| {label} | {fmt_s(m)} | {m.cpu_s:.1f} | {fmt_mib(m)} | {m.others_cores:.1f} |"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**met**" if ok else "**not met**")


def render(results: dict) -> str:
    mach = results["machine"]
    lines = [
        MARKER,
        "",
        f"## Results ({mach['date']})",
        "",
        f"Command: `{results['command']}` — {results['total_s'] / 60:.1f} min in all. "
        f"Scales run: {', '.join(results['scales'])}.",
    ]
    if results.get("in_progress"):
        lines += ["", "**Run in progress** (or stopped): the results so far; the final ones replace these."]
    if results.get("skipped_note"):
        lines += ["", results["skipped_note"]]
    lines += [
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {mach['cpu']} |",
        f"| cores | {mach['cores']} |",
        f"| RAM | {mach['ram_gib']:.1f} GiB |",
        f"| OS | {mach['os']} |",
        f"| Python | {mach['python']} |",
        f"| DuckDB | {mach['duckdb']} |",
        f"| pandas | {mach['pandas']} |",
        f"| Dagster / dbt-core / dbt-duckdb | {mach['dagster']} / {mach['dbt-core']} / {mach['dbt-duckdb']} |",
        "",
        "*Other work*: the CPU that processes outside the measured tree used meanwhile, in cores on average",
        f"(of {mach['cores']}). Above 0.2 or so the machine was shared and the wall time is longer than on a quiet",
        "one; CPU seconds are much less affected.",
    ]
    overhead = results.get("overhead")
    lines += [
        "",
        "### Fixed overhead of the pipeline",
        "",
        "The same command on an empty inbox (Dagster start, ingestion pass, `dbt build` of every model, "
        "checks, publishing):",
        "",
    ]
    if overhead:
        lines += TABLE_HEAD
        for i, m in enumerate(overhead["runs"], 1):
            lines.append(row(f"empty inbox #{i}", m))
        lines += ["", f"Fixed overhead used below: **{overhead['s']:.1f} s** (the fastest run)."]
    for scale in [s for s in results["scales"] if s in results["by_scale"]]:
        r = results["by_scale"][scale]
        data = r["data"]
        lines += [
            "",
            f"### {scale}",
            "",
            f"Input: {data['files']} monthly Parquet files, {data['rows']:,} rows, {data['enterprises']:,} "
            f"enterprises, {data['size_mib']:.1f} MiB (`{data['folder']}/`).",
            "",
            *TABLE_HEAD,
        ]
        for label, key in (
            ("(a) pipeline, end to end", "pipeline"),
            ("(b) DuckDB SQL floor, the same work", "floor"),
            ("(b₀) the marts alone", "floor_marts_only"),
            (f"(b₀′) the marts alone, capped at {PIPELINE_MEMORY_LIMIT} as the pipeline is", "floor_marts_only_capped"),
            ("(c) pandas script", "pandas"),
        ):
            runs = r.get(f"{key}_runs") or []
            if len(runs) > 1:
                for number, m in enumerate(runs, 1):
                    counted = " (counts: the fastest)" if m == r.get(key) else ""
                    lines.append(row(f"{label} #{number}{counted}", m))
            elif key in r:
                lines.append(row(label, r.get(key)))
        ratio = r.get("ratio")
        if ratio is not None:
            lines += [
                "",
                f"Pipeline beyond its fixed overhead: {r['pipeline'].wall_s:.1f} − {overhead['s']:.1f} = "
                f"**{r['beyond_overhead_s']:.1f} s** wall, **{ratio:.2f}×** the floor "
                f"({r['floor'].wall_s:.1f} s: {r['floor'].extra.get('phases', 'see its log')}). In CPU "
                f"time: {r['pipeline'].cpu_s:.1f} − {overhead['cpu_s']:.1f} = "
                f"{r['beyond_overhead_cpu_s']:.1f} s, {r['cpu_ratio']:.2f}× the floor's "
                f"{r['floor'].cpu_s:.1f} s.",
            ]
            for key, label in (
                ("floor_marts_only", "the marts alone (b₀"),
                ("floor_marts_only_capped", "the marts alone under the pipeline's memory cap (b₀′"),
            ):
                if r.get(f"{key}_ratio") is not None:
                    lines += [
                        "",
                        f"Against {label}, {r[key].wall_s:.1f} s): **{r[f'{key}_ratio']:.2f}×** "
                        "(for information; the goal is judged against (b)).",
                    ]
        check = r.get("check") or {}
        if check.get("checked"):
            lines += [
                "",
                "Outputs compared (bench/compare.py; numbers to the cent, dates as dates): "
                + ("all the same." if check["all_same"] else "**differences**:"),
                "",
                "```",
            ]
            lines += check["lines"] + ["```"]
        for key in ("pipeline", "floor", "pandas"):
            m = r.get(key)
            if m is not None and not m.ok:
                tail = (m.extra.get("log_tail") or m.stderr_tail or m.stdout_tail)[-1200:]
                lines += ["", f"{key} failed (exit {m.returncode}); the end of its output:", "", "```", tail, "```"]

    inc = results.get("incremental")
    lines += ["", "### One new month, incremental", ""]
    if inc:
        lines += [
            f"At {inc['scale']} scale: after run (a) above ({inc['months_before']} months, from an empty "
            f"warehouse), the file of the next month ({inc['new_month']}, {inc['new_rows']:,} rows) is added "
            "to the inbox and the job runs again on the same data folder and Dagster instance.",
            "",
            *TABLE_HEAD,
        ]
        pairs = list(zip(inc.get("full_runs") or [inc["full"]], inc.get("second_runs") or [inc["second"]]))
        for number, (full, second) in enumerate(pairs, 1):
            suffix = f" #{number}" if len(pairs) > 1 else ""
            lines += [
                row(f"full rebuild{suffix}: {inc['months_before']} months from empty (run (a){suffix})", full),
                row(f"+ 1 month (incremental){suffix}", second),
            ]
        if len(pairs) > 1:
            lines += [
                "",
                "Each incremental run is on the data folder of the full run above it; the fraction takes "
                "the fastest of each.",
            ]
        if inc.get("fraction") is not None:
            lines += [
                "",
                f"Incremental / full rebuild: **{inc['fraction']:.2f}** in wall time, "
                f"{inc['cpu_fraction']:.2f} in CPU time.",
            ]
    else:
        lines.append("Not run.")

    nightly = results.get("nightly")
    ui = results.get("ui")
    lines += ["", "### Nightly job on the bundled sample, and the UI", "", *TABLE_HEAD]
    if nightly:
        lines.append(row("nightly job on `sources/inbox` (as `make run`, fresh data folder)", nightly))
    for earlier in results.get("nightly_earlier", []):
        lines.append(row("(an earlier measurement in this run, replaced by `--only-nightly`)", earlier))
    if ui:
        if "loaded_s" in ui:
            lines.append(f"| `dagster dev`: web server answers (`/server_info`) | {ui['server_s']:.1f} | | | |")
            lines.append(
                f"| `dagster dev`: code location loaded (GraphQL `workspaceOrError`) | {ui['loaded_s']:.1f} | "
                f"| {ui['peak_mib']:,.0f} | {ui.get('others_cores', float('nan')):.1f} |"
            )
        else:
            lines.append(f"| `dagster dev` start-up | failed: {ui.get('error')} | | | |")

    lines += [
        "",
        "### Where the pipeline's time goes",
        "",
        "Dagster's steps from the run's log, and dbt's slowest nodes from its `run_results.json`:",
        "",
    ]
    if nightly:
        lines += render_breakdown("nightly job on the bundled sample", nightly)
    if overhead:
        lines += render_breakdown("empty inbox", min(overhead["runs"], key=lambda m: m.wall_s))
    for scale in [s for s in results["scales"] if s in results["by_scale"]]:
        lines += render_breakdown(f"{scale}, full", results["by_scale"][scale].get("pipeline"))
    if inc and inc.get("second") is not None:
        lines += render_breakdown(f"{inc['scale']}, + 1 month", inc["second"])

    lines += ["", "### Goals", "", "| goal | measured | |", "|---|---|---|"]
    for goal in results["goals"]:
        lines.append(f"| {goal['goal']} | {goal['measured']} | {verdict(goal['met'])} |")
    return "\n".join(lines) + "\n"


def goals(results: dict) -> list[dict]:
    out = []
    nightly = results.get("nightly")
    out.append(
        {
            "goal": f"nightly job on the bundled sample ≤ {NIGHTLY_GOAL_S:.0f} s",
            "measured": f"{nightly.wall_s:.1f} s" if nightly and nightly.ok else "not measured / failed",
            "met": (nightly.wall_s <= NIGHTLY_GOAL_S) if nightly and nightly.ok else None,
        }
    )
    top = "national" if "national" in results["scales"] else None
    r = results["by_scale"].get(top) if top else None
    pipe = r.get("pipeline") if r else None
    if r and pipe and pipe.ok and r.get("ratio") is not None:
        marts_only = r.get("floor_marts_only_ratio")
        out.append(
            {
                "goal": f"national: pipeline − fixed overhead ≤ {RATIO_GOAL}× the DuckDB floor (b, the same work)",
                "measured": f"{r['ratio']:.2f}×"
                + (f" (the marts alone, b₀: {marts_only:.2f}×)" if marts_only is not None else ""),
                "met": r["ratio"] <= RATIO_GOAL,
            }
        )
        out.append(
            {
                "goal": "national: pipeline peak memory < 2 GiB",
                "measured": f"{pipe.peak_mib:,.0f} MiB",
                "met": pipe.peak_mib < MEMORY_GOAL_MIB,
            }
        )
        pandas = r.get("pandas")
        out.append(
            {
                "goal": "national: pipeline peak memory ≤ the pandas script's",
                "measured": f"{pipe.peak_mib:,.0f} vs {pandas.peak_mib:,.0f} MiB" if pandas and pandas.ok else "—",
                "met": (pipe.peak_mib <= pandas.peak_mib) if pandas and pandas.ok else None,
            }
        )
    else:
        reason = "national not run" if r is None else "pipeline failed at national"
        for goal in (
            f"national: pipeline − fixed overhead ≤ {RATIO_GOAL}× the DuckDB floor (b, the same work)",
            "national: pipeline peak memory < 2 GiB",
            "national: pipeline peak memory ≤ the pandas script's",
        ):
            out.append({"goal": goal, "measured": reason, "met": None})
    inc = results.get("incremental")
    if inc and inc.get("fraction") is not None:
        out.append(
            {
                "goal": f"one new month, incremental: < {INCREMENTAL_GOAL:.2f} × a full rebuild"
                + ("" if inc["scale"] == "national" else f" (measured at {inc['scale']})"),
                "measured": f"{inc['fraction']:.2f}",
                "met": inc["fraction"] < INCREMENTAL_GOAL,
            }
        )
    else:
        out.append(
            {"goal": "one new month, incremental: < 0.25 × a full rebuild", "measured": "not measured", "met": None}
        )
    return out


def write_doc(results: dict) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    head = text.split(MARKER)[0].rstrip() + "\n\n"
    DOC.write_text(head + render(results), encoding="utf-8")


def from_json(value):
    """results.json back into the structures render() takes."""
    if isinstance(value, dict):
        if "command" in value and "wall_s" in value and "peak_tree_mib" in value:
            fields = {k: v for k, v in value.items() if k in Measurement.__dataclass_fields__}
            return Measurement(**fields)
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def to_json(value):
    if isinstance(value, Measurement):
        d = value.as_dict()
        d.pop("stdout_tail", None)
        d.pop("stderr_tail", None)
        return d
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
def bench_bi(city: dict | None) -> None:
    """The dashboards' part of docs/benchmarks.md (bench/bi.py); city: generate("city"), or None to skip it."""
    city_files = monthly_files(ROOT / city["folder"]) if city else None
    results = measure_bi(run_pipeline, DATA, ROOT, ROOT / "sources" / "inbox", city_files)
    write_bi_doc(DOC, MARKER, results, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), city)
    (DATA / "bi_results.json").write_text(
        json.dumps({"results": results, "city": city}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    log(f"dashboards measured; wrote their part of {DOC.relative_to(ROOT)}")


def main() -> int:
    global QUIET_WAIT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", help="comma-separated, of district,city,national (default: all three; --quick: district,city)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="district and city only, one overhead run, so incremental at city"
    )
    parser.add_argument("--incremental-scale", help="where to time one new month (default: the largest scale run)")
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="at national scale and where one new month is timed, run the floor and the pipeline "
        "(with its one new month) this many times; the fastest counts (default %(default)s)",
    )
    parser.add_argument("--no-ui", action="store_true", help="skip the Dagster UI start-up")
    parser.add_argument("--no-nightly", action="store_true", help="skip the nightly job on the bundled sample")
    parser.add_argument("--keep", action="store_true", help="keep data/bench/runs/ (warehouses, outputs)")
    parser.add_argument("--no-check", action="store_true", help="do not compare the three outputs")
    parser.add_argument(
        "--render-only", action="store_true", help="only write docs/benchmarks.md again from data/bench/results.json"
    )
    parser.add_argument(
        "--only-nightly",
        action="store_true",
        help="measure the nightly job on the bundled sample again (e.g. when other work overlapped "
        "it) and update data/bench/results.json and docs/benchmarks.md; the earlier "
        "measurement stays listed",
    )
    parser.add_argument(
        "--only-intake",
        action="store_true",
        help="measure only what one costly file adds to the nightly job on the sample, and write "
        "that part of docs/benchmarks.md",
    )
    parser.add_argument("--no-intake", action="store_true", help="skip the costly files beside the sample")
    parser.add_argument(
        "--only-bi",
        action="store_true",
        help="measure only the dashboards (chart answers on the sample and at city scale, a second "
        "`make bi`) and write that part of docs/benchmarks.md",
    )
    parser.add_argument("--no-bi", action="store_true", help="skip the dashboards")
    parser.add_argument(
        "--overhead-against",
        metavar="COMMIT",
        help="measure only the fixed overhead and the nightly job on the sample, this checkout "
        "against COMMIT, back to back, and write that part of docs/benchmarks.md",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=QUIET_WAIT,
        help="before each measurement, wait at most this many seconds for other work on the "
        "machine to stop (default %(default)s; 0: never wait)",
    )
    args = parser.parse_args()
    QUIET_WAIT = args.quiet_wait
    if args.render_only:
        results = from_json(json.loads((DATA / "results.json").read_text(encoding="utf-8")))
        results["goals"] = goals(results)
        write_doc(results)
        log(f"wrote {DOC.relative_to(ROOT)} from {(DATA / 'results.json').relative_to(ROOT)}")
        return 0
    if args.only_nightly:
        results = from_json(json.loads((DATA / "results.json").read_text(encoding="utf-8")))
        if results.get("nightly"):
            results["nightly_earlier"] = [*results.get("nightly_earlier", []), results["nightly"]]
        results["nightly"] = run_pipeline("nightly-sample", None)
        results["goals"] = goals(results)
        (DATA / "results.json").write_text(
            json.dumps(to_json(results), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        write_doc(results)
        log(f"nightly job measured again: {results['nightly'].wall_s:.1f} s; wrote {DOC.relative_to(ROOT)}")
        return 0
    if args.only_bi:
        bench_bi(generate("city"))
        return 0
    if args.overhead_against:
        results = overhead.compare(ROOT, DATA, PYTHON, BASE_ENV, args.overhead_against, max(args.repeats, 3), log)
        overhead.write_doc(DOC, MARKER, results)
        log(f"fixed overhead measured against {args.overhead_against}; wrote its part of {DOC.relative_to(ROOT)}")
        return 0
    if args.only_intake:
        write_intake_doc(DOC, MARKER, measure_intake(run_pipeline, DATA, ROOT / "sources" / "inbox"))
        log(f"intake measured; wrote its part of {DOC.relative_to(ROOT)}")
        return 0
    scales = [
        s.strip()
        for s in (args.scales or ("district,city" if args.quick else ",".join(SCALES))).split(",")
        if s.strip()
    ]
    unknown = [s for s in scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(unknown)}")
    scales = [s for s in SCALES if s in scales]
    inc_scale = args.incremental_scale or scales[-1]
    if not GENERATOR.exists():
        raise SystemExit(f"{GENERATOR.relative_to(ROOT)} is missing")

    started = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "logs").mkdir(exist_ok=True)
    shutil.rmtree(RUNS, ignore_errors=True)
    results: dict = {
        "command": "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
        "machine": machine(),
        "scales": scales,
        "by_scale": {},
    }
    if "national" not in scales:
        results["skipped_note"] = (
            "National scale was not run this time (`--scales`/`--quick`): the national goals below are not measured."
        )
    log(f"machine: {results['machine']}")

    # The data first, so that generating does not overlap with any measurement.
    data = {scale: generate(scale) for scale in scales}
    data_next = generate(inc_scale, NEXT_MONTH, f"{inc_scale}-next") if inc_scale in scales else None

    # (e) the nightly job on the bundled sample
    if not args.no_nightly:
        results["nightly"] = run_pipeline("nightly-sample", None)

    if not args.no_intake:
        write_intake_doc(DOC, MARKER, measure_intake(run_pipeline, DATA, ROOT / "sources" / "inbox"))

    if not args.no_bi:
        bench_bi(data.get("city"))

    # fixed overhead: an inbox with no files
    empty = DATA / "empty-inbox"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir()
    overhead_runs = [run_pipeline(f"overhead-{i}", empty) for i in range(1 if args.quick else 2)]
    ok_runs = [m for m in overhead_runs if m.ok]
    fastest = min(ok_runs, key=lambda m: m.wall_s) if ok_runs else None
    results["overhead"] = {
        "runs": overhead_runs,
        "s": fastest.wall_s if fastest else None,
        "cpu_s": fastest.cpu_s if fastest else None,
    }
    if not ok_runs:
        results["overhead"] = None

    for scale in scales:
        inbox = DATA / scale
        r: dict = {"data": data[scale]}
        # Where the goals are judged (national, and where one new month is timed) the floor and the pipeline
        # (with its one new month) run `repeats` times and the fastest counts, as for the overhead: a single
        # run varied by 5-10 % on this machine.
        repeats = args.repeats if scale in ("national", inc_scale) else 1
        r["floor_runs"] = [run_floor(scale, inbox) for _ in range(repeats)]
        r["floor"] = fastest_run(r["floor_runs"])
        r["floor_marts_only_runs"] = [run_marts_only_floor(scale, inbox) for _ in range(repeats)]
        r["floor_marts_only"] = fastest_run(r["floor_marts_only_runs"])
        if scale == "national":
            r["floor_marts_only_capped"] = run_marts_only_floor(scale, inbox, PIPELINE_MEMORY_LIMIT)
        r["pandas"] = run_pandas(scale, inbox)
        r["pipeline_runs"], incremental_runs = [], []
        for number in range(1, repeats + 1):
            full = run_pipeline(f"full-{scale}" + (f"-{number}" if repeats > 1 else ""), inbox)
            r["pipeline_runs"].append(full)
            if "check" not in r and full.ok:  # before the new month changes its warehouse
                r["check"] = {"checked": False} if args.no_check else cross_check(scale, r["floor"], r["pandas"], full)
            if scale == inc_scale and full.ok:
                incremental_runs.append(run_one_new_month(inc_scale, full))
            if not args.keep:
                shutil.rmtree(full.extra["run_dir"], ignore_errors=True)
        r["pipeline"] = fastest_run(r["pipeline_runs"])
        r.setdefault("check", {"checked": False})
        if r["pipeline"].ok and r["floor"].ok and results["overhead"]:
            r["beyond_overhead_s"] = r["pipeline"].wall_s - results["overhead"]["s"]
            r["ratio"] = r["beyond_overhead_s"] / r["floor"].wall_s
            r["beyond_overhead_cpu_s"] = r["pipeline"].cpu_s - results["overhead"]["cpu_s"]
            r["cpu_ratio"] = r["beyond_overhead_cpu_s"] / max(r["floor"].cpu_s, 1e-9)
            for key in ("floor_marts_only", "floor_marts_only_capped"):
                if r.get(key) is not None and r[key].ok:
                    r[f"{key}_ratio"] = r["beyond_overhead_s"] / r[key].wall_s
        if incremental_runs:
            second = fastest_run(incremental_runs)
            full = r["pipeline"]
            results["incremental"] = {
                "scale": inc_scale,
                "months_before": len(monthly_files(DATA / inc_scale)),
                "new_month": NEXT_MONTH,
                "new_rows": data_next["rows"] if data_next else None,
                "second": second,
                "full": full,
                "second_runs": incremental_runs,
                "full_runs": r["pipeline_runs"],
                "fraction": (second.wall_s / full.wall_s) if second.ok and full.ok else None,
                "cpu_fraction": (second.cpu_s / full.cpu_s) if second.ok and full.ok else None,
            }
        results["by_scale"][scale] = r
        if not args.keep:
            for key in ("floor", "floor-marts-only", "floor-marts-only-capped", "pandas"):
                shutil.rmtree(RUNS / f"{key}-{scale}", ignore_errors=True)
        write_doc({**results, "total_s": time.perf_counter() - started, "goals": goals(results), "in_progress": True})

    # (f) the UI
    if not args.no_ui:
        results["ui"] = ui_startup()

    results["total_s"] = time.perf_counter() - started
    results["goals"] = goals(results)
    write_doc(results)
    (DATA / "results.json").write_text(
        json.dumps(to_json(results), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    if not args.keep:
        shutil.rmtree(RUNS, ignore_errors=True)
    log(
        f"done in {results['total_s'] / 60:.1f} min: {DOC.relative_to(ROOT)}, {(DATA / 'results.json').relative_to(ROOT)}"
    )
    for goal in results["goals"]:
        log(f"  {goal['goal']}: {goal['measured']} → {verdict(goal['met']).strip('*')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
