"""What one costly file adds to a run (issue: "No file can stop the warehouse"): the nightly job on the bundled
sample alone, then on the sample beside each file of the list below, one at a time. Goal: each run at most
10 s more wall time than the sample alone, and under 1 GiB peak for the whole process tree.

The files are made by tests/corpus.py at the sizes a department could send (the test suite makes the same
kinds small, with small limits)."""

from __future__ import annotations

import shutil
from pathlib import Path

from measure import write_doc_section

EXTRA_S_GOAL = 10.0
PEAK_GOAL_MIB = 1024.0


def costly_files(folder: Path) -> dict[str, Path]:
    """name -> file, made once per corpus version into folder."""
    from tests import corpus

    folder.mkdir(parents=True, exist_ok=True)
    makers = {
        "bomb: 500 MB of sheet XML in a small workbook": lambda p: corpus.inflating_workbook(
            p, 500 * 1024 * 1024, repetitive=True
        ),
        "largest sheet the limits admit: 95 MB of formatted empty cells": lambda p: corpus.inflating_workbook(
            p, 95 * 1024 * 1024
        ),
        "formatted empty cell at XFD1048576": lambda p: corpus.stray_cell(p),
        "formatted empty cell at A1048576": lambda p: corpus.stray_cell(p, column=1),
        "CSV at the row limit: 19,900 rows": lambda p: corpus.many_rows_csv(p.with_suffix(".csv"), 19_900),
        "CSV of 18 MB, 300,000 rows: beyond the row limit": lambda p: corpus.many_rows_csv(
            p.with_suffix(".csv"), 300_000
        ),
        "CSV with a 15 MB field": lambda p: corpus.long_field_csv(p.with_suffix(".csv"), 5_000_000),
    }
    files = {}
    for number, (name, make) in enumerate(makers.items(), start=1):
        path = folder / f"costly-{number}.xlsx"
        existing = [p for p in folder.glob(f"costly-{number}.*")]
        files[name] = existing[0] if existing else make(path)
    return files


def measure_intake(run_pipeline, data_dir: Path, sample_inbox: Path) -> dict:
    """run_pipeline(name, inbox) -> Measurement, as bench/run.py measures the nightly job. The sample alone
    runs twice and the faster counts (single runs vary by a few seconds here)."""
    files = costly_files(data_dir / "intake-corpus")
    alone = [run_pipeline(f"intake-sample-{n}", sample_inbox) for n in (1, 2)]
    results = {"sample": min(alone, key=lambda m: (not m.ok, m.wall_s)), "files": {}}
    for number, (name, path) in enumerate(files.items(), start=1):
        inbox = data_dir / "intake-inbox"
        shutil.rmtree(inbox, ignore_errors=True)
        shutil.copytree(sample_inbox, inbox)
        shutil.copy2(path, inbox / path.name)
        results["files"][name] = {
            "size_mib": path.stat().st_size / 1024 / 1024,
            "run": run_pipeline(f"intake-{number}", inbox),
        }
    shutil.rmtree(data_dir / "intake-inbox", ignore_errors=True)
    return results


BEGIN = "<!-- Written by bench/intake.py (make bench): one costly file beside the sample. -->"
END = "<!-- End of bench/intake.py's part. -->"


def render_intake(intake: dict, when: str) -> list[str]:
    base = intake["sample"]
    lines = [
        BEGIN,
        "",
        f"## One costly file beside the bundled sample ({when})",
        "",
        "The nightly job (`python -m dagster_project.run_once`) on the sample alone, then with one file added "
        "(made by `tests/corpus.py`), default limits (README, Limits). Peak: the summed resident memory of "
        "the whole process tree.",
        "",
        "| inbox | file MiB | wall s | + s over the sample | peak MiB |",
        "|---|---:|---:|---:|---:|",
        f"| the sample alone | | {base.wall_s:.1f} | | {base.peak_mib:,.0f} |",
    ]
    for name, entry in intake["files"].items():
        m = entry["run"]
        extra = m.wall_s - base.wall_s
        lines.append(
            f"| + {name} | {entry['size_mib']:.1f} | {m.wall_s:.1f}{'' if m.ok else ' (failed)'} | "
            f"{extra:+.1f} | {m.peak_mib:,.0f} |"
        )
    lines += ["", "| goal | measured | |", "|---|---|---|"]
    for goal in intake_goals(intake):
        met = {True: "met", False: "**not met**", None: "—"}[goal["met"]]
        lines.append(f"| {goal['goal']} | {goal['measured']} | {met} |")
    return lines + ["", END]


def intake_goals(intake: dict) -> list[dict]:
    base = intake["sample"]
    runs = [entry["run"] for entry in intake["files"].values()]
    if not base.ok or not runs:
        return [{"goal": "one costly file beside the sample", "measured": "the sample alone failed", "met": None}]
    worst_extra = max(m.wall_s - base.wall_s for m in runs)
    worst_peak = max(m.peak_mib for m in runs)
    return [
        {
            "goal": f"every run succeeds and costs at most {EXTRA_S_GOAL:.0f} s more than the sample alone",
            "measured": f"worst +{worst_extra:.1f} s",
            "met": all(m.ok for m in runs) and worst_extra <= EXTRA_S_GOAL,
        },
        {
            "goal": "peak memory of the process tree < 1 GiB",
            "measured": f"worst {worst_peak:,.0f} MiB",
            "met": worst_peak < PEAK_GOAL_MIB,
        },
    ]


def write_intake_doc(doc: Path, marker: str, intake: dict) -> None:
    """Replaces this part of the benchmarks page (above the main results' marker), the rest as it was."""
    import time

    block = "\n".join(render_intake(intake, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    write_doc_section(doc, marker, BEGIN, END, block)
