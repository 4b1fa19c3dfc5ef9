"""Run a command and measure it: wall time and the peak resident memory of its whole process tree.

The tree (the command and every descendant: dbt, DuckDB workers, …) is found from /proc every ~50 ms and the
RSS of its members is summed; the peak of that sum is the reported peak. The kernel's own high-water mark
of the largest process (ru_maxrss from wait4) is kept too, for information only: it also counts the memory
of this measuring process that the child had between fork and exec, so for small commands it says more
about the harness than about the command.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


@dataclass
class Measurement:
    command: list[str]
    returncode: int
    wall_s: float
    peak_tree_mib: float  # sampled peak of the summed RSS of the tree: the reported peak
    peak_single_mib: float  # ru_maxrss of the largest process (kernel's high-water mark; includes pre-exec)
    samples: int
    max_processes: int
    cpu_s: float = 0.0  # user + system time of the tree (descendants that were waited for)
    load_before: float = 0.0  # 1-minute load average when it started / ended: other work on the machine
    load_after: float = 0.0
    others_cores: float = 0.0  # CPU used meanwhile by processes outside the tree, in cores on average
    stdout_tail: str = ""
    stderr_tail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def peak_mib(self) -> float:
        return self.peak_tree_mib

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["peak_mib"] = self.peak_mib
        return d


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
        rest = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(rest[1]), []).append(int(entry.name))
    return children


def tree_pids(root: int) -> list[int]:
    children = _children_map()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, ()))
    return pids


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> tuple[int, int]:
    pids = tree_pids(root)
    return sum(rss_bytes(p) for p in pids), len(pids)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, from /proc/stat)."""
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(fields) - fields[3] - fields[4]) / CLK_TCK


def busy_cores(seconds: float = 1.0) -> float:
    """How many cores the machine keeps busy over the next `seconds`."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


def wait_until_quiet(max_wait: float, threshold: float = 0.3, quiet_for: int = 3) -> tuple[float, float]:
    """Waits (at most max_wait s) until the machine has used under `threshold` cores for `quiet_for` seconds
    in a row. Returns (seconds waited, cores busy in the last second)."""
    start, streak, cores = time.perf_counter(), 0, 0.0
    while time.perf_counter() - start < max_wait:
        cores = busy_cores(1.0)
        streak = streak + 1 if cores < threshold else 0
        if streak >= quiet_for:
            break
    return time.perf_counter() - start, cores


def load_average() -> float:
    try:
        with open("/proc/loadavg") as handle:
            return float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def _tail(path: Path, n: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-n:].decode("utf-8", "replace")


def measure(
    command: list[str],
    *,
    env: dict | None = None,
    cwd: str | os.PathLike | None = None,
    interval: float = 0.05,
    timeout: float | None = None,
    log_dir: Path | None = None,
    name: str = "run",
) -> Measurement:
    """Runs command (its own session, so the group can be stopped), samples its tree until it exits."""
    log_dir = Path(log_dir or "/tmp")
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    load_before = load_average()
    busy_before = machine_busy_seconds()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        peak, samples, most = 0, 0, 0
        done = threading.Event()
        status: dict = {}

        def reap() -> None:  # wait4 gives the child's own ru_maxrss (children it waited for included)
            _, code, usage = os.wait4(proc.pid, 0)
            status["code"], status["usage"], status["end"] = code, usage, time.perf_counter()
            done.set()

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        while not done.is_set():
            total, n = tree_rss(proc.pid)
            peak, most, samples = max(peak, total), max(most, n), samples + 1
            if timeout is not None and time.perf_counter() - start > timeout:
                _kill_group(proc.pid)
            done.wait(interval)
        waiter.join()
        wall = status["end"] - start
    proc.returncode = os.waitstatus_to_exitcode(status["code"])
    _kill_group(proc.pid)  # anything it left behind in its session
    usage = status["usage"]
    cpu = usage.ru_utime + usage.ru_stime
    # the sampling loop of this process itself costs a little CPU too: a few ms per sample
    others = max(0.0, machine_busy_seconds() - busy_before - cpu) / wall if wall > 0 else 0.0
    return Measurement(
        command=[str(c) for c in command],
        returncode=proc.returncode,
        wall_s=wall,
        peak_tree_mib=peak / MIB,
        peak_single_mib=usage.ru_maxrss / 1024,
        samples=samples,
        max_processes=most,
        cpu_s=cpu,
        load_before=load_before,
        load_after=load_average(),
        others_cores=others,
        stdout_tail=_tail(out_path),
        stderr_tail=_tail(err_path),
    )


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if not args.command:
        parser.error("no command")
    m = measure(args.command, log_dir=Path("/tmp"), name=f"measure-{os.getpid()}")
    print(json.dumps({k: v for k, v in m.as_dict().items() if not k.endswith("_tail")}, ensure_ascii=False))
    return m.returncode


if __name__ == "__main__":
    sys.exit(main())


def write_doc_section(doc: Path, marker: str, begin: str, end: str, block: str) -> None:
    """Replaces the part of the benchmarks page between begin and end (block holds both), or puts it just
    above bench/run.py's marker; the rest of the page stays as it was."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n" + marker + "\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        head, rest = text.split(marker, 1)
        text = head.rstrip() + "\n\n" + block + "\n\n" + marker + rest
    doc.write_text(text, encoding="utf-8")
