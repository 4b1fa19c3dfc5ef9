"""The nightly job's fixed overhead and the job on the bundled sample: this checkout against an earlier commit,
measured back to back on the same machine (`make bench BENCH_ARGS="--overhead-against <commit>"`).

The earlier commit is checked out in a worktree beside the data (data/bench/base-<commit>), uses the same
virtual environment, and parses its own dbt project. The runs alternate (base, this, base, this, …) so that
a change in the machine's load falls on both; the fastest run of each counts, as elsewhere in make bench.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from measure import Measurement, measure, write_doc_section

BEGIN = "<!-- overhead: begin (bench/overhead.py) -->"
END = "<!-- overhead: end -->"
GROWTH_GOAL = 0.10  # the fixed overhead may grow by at most this fraction over the earlier commit


def checkout(root: Path, data: Path, rev: str) -> Path:
    """A worktree of rev, its dbt manifest parsed."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = data / f"base-{commit}"
    if not (tree / ".git").exists():
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=root, check=True)
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--force", str(tree), commit],
            cwd=root,
            check=True,
            capture_output=True,
        )
    return tree


def prepare(tree: Path, python: str, env: dict) -> None:
    """What `make manifest` does in that checkout."""
    subprocess.run(
        [python, "-m", "dagster_project.dbt_runner"],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        check=True,
        capture_output=True,
    )


def one_run(
    tree: Path, python: str, env: dict, runs: Path, name: str, inbox: Path | None, log_dir: Path
) -> Measurement:
    folder = runs / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    run_env = {
        **env,
        "PYTHONPATH": str(tree),
        "DAZU_DATA_DIR": str(folder / "data"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
    }
    if inbox is not None:
        run_env["DAZU_INBOX"] = str(inbox)
    return measure([python, "-m", "dagster_project.run_once"], env=run_env, cwd=tree, log_dir=log_dir, name=name)


def compare(root: Path, data: Path, python: str, env: dict, rev: str, repeats: int, log) -> dict:
    base = checkout(root, data, rev)
    for tree in (base, root):
        prepare(tree, python, env)
    empty = data / "empty-inbox"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    runs = data / "runs" / "overhead"
    results: dict = {
        "rev": base.name.removeprefix("base-"),
        "head": _head(root),
        "repeats": repeats,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    for kind, inbox in (("overhead", empty), ("sample", None)):
        for label in ("base", "head"):
            results.setdefault(kind, {})[label] = []
        for i in range(repeats):
            for label, tree in (("base", base), ("head", root)):
                m = one_run(tree, python, env, runs, f"{kind}-{label}-{i}", inbox, data / "logs")
                log(
                    f"{kind} {label} #{i + 1}: {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU, "
                    f"{m.peak_tree_mib:,.0f} MiB{'' if m.ok else ' FAILED'}"
                )
                results[kind][label].append(m)
    return results


def _head(root: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()


def _fastest(runs: list[Measurement]) -> Measurement | None:
    ok = [m for m in runs if m.ok]
    return min(ok, key=lambda m: m.wall_s) if ok else None


def render(results: dict) -> list[str]:
    lines = [
        BEGIN,
        "",
        "## Fixed overhead against an earlier commit",
        "",
        f"Measured {results['when']}: commit `{results['rev']}` (before) and this checkout (`{results['head']}`"
        " and its working tree), alternating, each run on a fresh data folder; the fastest of "
        f"{results['repeats']} runs counts. The fixed overhead is the nightly job on an empty inbox (Dagster "
        "start, the catalog and the reporting clock, the ingestion pass, a complete `dbt build`, the checks, "
        "publishing and the export).",
        "",
        "| | before: wall (CPU) | after: wall (CPU) | after / before |",
        "|---|---|---|---|",
    ]
    verdicts = {}
    for kind, label in (("overhead", "fixed overhead (empty inbox)"), ("sample", "nightly job on the bundled sample")):
        before, after = _fastest(results[kind]["base"]), _fastest(results[kind]["head"])
        if before is None or after is None:
            lines.append(
                f"| {label} | {'failed' if before is None else f'{before.wall_s:.1f} s'} | "
                f"{'failed' if after is None else f'{after.wall_s:.1f} s'} | |"
            )
            verdicts[kind] = None
            continue
        ratio = after.wall_s / before.wall_s
        verdicts[kind] = ratio
        lines.append(
            f"| {label} | {before.wall_s:.1f} s ({before.cpu_s:.1f} s) | {after.wall_s:.1f} s "
            f"({after.cpu_s:.1f} s) | **{ratio:.2f}** |"
        )
    ratio = verdicts.get("overhead")
    met = ratio is not None and ratio <= 1 + GROWTH_GOAL
    lines += [
        "",
        "| goal | measured | |",
        "|---|---|---|",
        f"| fixed overhead grows by at most {GROWTH_GOAL:.0%} | "
        f"{'—' if ratio is None else f'{ratio - 1:+.0%}'} | **{'met' if met else 'not met'}** |",
        "",
        "Every run: "
        + ", ".join(
            f"{kind} {label} " + "/".join(f"{m.wall_s:.1f}" for m in results[kind][label])
            for kind in ("overhead", "sample")
            for label in ("base", "head")
        )
        + " s.",
        "",
        END,
    ]
    return lines


def write_doc(doc: Path, marker: str, results: dict) -> None:
    write_doc_section(doc, marker, BEGIN, END, "\n".join(render(results)))
