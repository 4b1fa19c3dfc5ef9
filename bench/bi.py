"""The dashboards (issue: "What leaders and the data team look at"): how long each chart of each dashboard takes
to answer through Superset's REST API (cache bypassed), on the bundled sample and on city-scale enterprise
data beside the sample's department reports, and how long a second `make bi` takes until it serves.
Goals: every chart of a dashboard within 2 s on the sample and 5 s at city scale; a second start within 30 s."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import free_port, stop_group

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bi" / "superset"))
from api import chart_data, dashboards_with_charts, logged_in
from measure import write_doc_section

SAMPLE_GOAL_S, CITY_GOAL_S, RESTART_GOAL_S = 2.0, 5.0, 30.0
PASSWORD = "bench-admin-密码"
READY = "仪表板已就绪"
BEGIN = "<!-- Written by bench/bi.py (make bench): the dashboards. -->"
END = "<!-- End of bench/bi.py's part. -->"


def start_bi(root: Path, data_dir: Path, log: Path) -> tuple[subprocess.Popen, str, float]:
    """`make bi` until it says the dashboards are ready: (process, url, seconds it took)."""
    port = free_port()
    env = {**os.environ, "DAZU_DATA_DIR": str(data_dir), "DAZU_BI_PORT": str(port), "DAZU_BI_ADMIN_PASSWORD": PASSWORD}
    started = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "bi"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    while READY not in log.read_text(errors="replace"):
        if process.poll() is not None or time.perf_counter() - started > 600:
            stop_group(process)
            raise RuntimeError(f"make bi did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    return process, f"http://127.0.0.1:{port}", time.perf_counter() - started


def chart_timings(url: str, rounds: int = 2) -> dict[str, dict[str, float]]:
    """dashboard title -> chart name -> seconds of its data request (force: no cache); the last round counts
    (the first warms Superset's own imports and the DuckDB file cache)."""
    session = logged_in(url, PASSWORD)
    timings: dict[str, dict[str, float]] = {}
    for _ in range(rounds):
        for dashboard, charts in dashboards_with_charts(session, url):
            for chart in charts:
                started = time.perf_counter()
                answer = chart_data(session, url, chart["id"])
                elapsed = time.perf_counter() - started
                answer.raise_for_status()
                timings.setdefault(dashboard["dashboard_title"], {})[chart["slice_name"]] = elapsed
    return timings


def measure_bi(run_pipeline, data_dir: Path, root: Path, sample_inbox: Path, city_files: list[Path] | None) -> dict:
    """run_pipeline(name, inbox) -> Measurement whose extra["run_dir"] holds the data folder (bench/run.py)."""
    results: dict = {}
    sample = run_pipeline("bi-sample", sample_inbox)
    sample_data = Path(sample.extra["run_dir"]) / "data"
    process, url, first_s = start_bi(root, sample_data, data_dir / "logs" / "bi-first.log")
    stop_group(process)
    process, url, second_s = start_bi(root, sample_data, data_dir / "logs" / "bi-second.log")
    try:
        results.update(first_start_s=first_s, second_start_s=second_s, sample=chart_timings(url))
    finally:
        stop_group(process)
    if city_files:
        inbox = data_dir / "bi-city-inbox"
        shutil.rmtree(inbox, ignore_errors=True)
        inbox.mkdir(parents=True)
        for path in sample_inbox.glob("*.*"):  # the department reports; the city feed replaces the sample's
            shutil.copy2(path, inbox / path.name)
        for path in city_files:
            os.link(path, inbox / path.name)
        city = run_pipeline("bi-city", inbox)
        process, url, _ = start_bi(root, Path(city.extra["run_dir"]) / "data", data_dir / "logs" / "bi-city.log")
        try:
            results["city"] = chart_timings(url)
        finally:
            stop_group(process)
        shutil.rmtree(inbox, ignore_errors=True)
    return results


def render(results: dict, when: str, city: dict | None = None) -> str:
    lines = [
        BEGIN,
        "",
        f"## The dashboards (`make bi`, {when})",
        "",
        "Each chart's data request through Superset's REST API (`GET /api/v1/chart/<id>/data/?force=true`, "
        "so Superset's cache is bypassed), second of two rounds, one request at a time; the browser asks "
        "for a dashboard's charts in parallel. City scale: the city-scale enterprise feed "
        "(`make sample-data SCALE=city`, 2023-01 to 2024-12"
        + (f": {city['rows']:,} enterprise-months of {city['enterprises']:,} enterprises" if city else "")
        + ") beside the sample's department reports.",
        "",
        "| dashboard | charts | slowest chart, sample | slowest chart, city scale |",
        "|---|---:|---:|---:|",
    ]
    for title, charts in results["sample"].items():
        city_charts = results.get("city", {}).get(title, {})
        lines.append(
            f"| {title} | {len(charts)} | {max(charts.values()):.2f} s | "
            + (f"{max(city_charts.values()):.2f} s |" if city_charts else "not measured |")
        )
    slowest = {
        scale: max((s for charts in results.get(scale, {}).values() for s in charts.values()), default=None)
        for scale in ("sample", "city")
    }
    lines += [
        "",
        "| goal | measured | |",
        "|---|---|---|",
        f"| every chart within {SAMPLE_GOAL_S:.0f} s on the sample | slowest {slowest['sample']:.2f} s | "
        f"{'met' if slowest['sample'] <= SAMPLE_GOAL_S else 'NOT met'} |",
    ]
    if slowest["city"] is not None:
        lines.append(
            f"| every chart within {CITY_GOAL_S:.0f} s at city scale | slowest {slowest['city']:.2f} s | "
            f"{'met' if slowest['city'] <= CITY_GOAL_S else 'NOT met'} |"
        )
    lines += [
        f"| a second `make bi` serving within {RESTART_GOAL_S:.0f} s | {results['second_start_s']:.1f} s "
        f"(the first, initialising Superset's metadata: {results['first_start_s']:.1f} s) | "
        f"{'met' if results['second_start_s'] <= RESTART_GOAL_S else 'NOT met'} |",
        "",
        END,
    ]
    return "\n".join(lines)


def write_bi_doc(doc: Path, marker: str, results: dict, when: str, city: dict | None = None) -> None:
    """Replace this part of docs/benchmarks.md (or put it before bench/run.py's part)."""
    write_doc_section(doc, marker, BEGIN, END, render(results, when, city))
