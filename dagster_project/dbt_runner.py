"""dbt through dbt-core's programmatic entry point (`dbt.cli.main.dbtRunner`), in a child process.

Why not dagster-dbt's `DbtCliResource`: it starts `dbt --version`, loads the adapter in Dagster and starts a
`dbt build` subprocess that parses again whenever the profile renders differently (the DuckDB path holds the
data folder): about 9 s per run before the first model, on a fixed overhead of 9.5 s.

Why a child process: dbt keeps global state for the life of a process (its adapter, and dbt-duckdb's open
database, which only internals could close). The child is spawned as soon as a run starts (`DbtWorker`),
so dbt's import and the parsed manifest load on the second core while the run reads the inbox; it runs one
command, streams dbt's result events back through a pipe and exits, closing the warehouse files.

The child parses with `dbtRunner` (dbt's own partial parsing keeps that under a second) and hands the manifest
it parsed to `dbtRunner(manifest=...)` for the command, as dbt documents for reusing a manifest. This is the
only module that imports dbt, and it imports nothing from dbt but `dbt.cli.main`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .settings import DBT_PROJECT_DIR, Settings

PARSE_DIR = DBT_PROJECT_DIR / "target" / "parse"
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})


def dbt_environment(settings: Settings) -> dict[str, str]:
    """What dbt (profiles.yml, generate_schema_name) reads from the environment for these settings."""
    return {
        "DAZU_DATA_DIR": str(settings.data_dir),
        "DAZU_TARGET": settings.target,
        "DAZU_MARTS_SCHEMA": settings.build_marts_schema,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def project_fingerprint(settings: Settings) -> str:
    """Changes whenever a parse could give a different manifest (project files, dbt, target) or the build
    record must not be trusted (the reference catalog: a change of it rebuilds everything)."""
    digest = hashlib.sha256()
    files = [
        (str(p.relative_to(DBT_PROJECT_DIR)), p)
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file()
        and p.suffix in {".sql", ".yml", ".yaml", ".md", ".csv"}
        and not {"target", "logs"} & set(p.relative_to(DBT_PROJECT_DIR).parts)
    ]
    files += [(f"reference/{p.name}", p) for p in settings.reference_dir.glob("*.csv")]
    for name, path in sorted(files):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    # What a parse renders into relation names: the target, the marts schema, PostgreSQL's database.
    database = os.environ.get("PGDATABASE", "") if settings.target == "postgres" else ""
    digest.update(f"{settings.target}|{settings.build_marts_schema}|{database}".encode())
    digest.update(f"dbt-core={version('dbt-core')} dbt-duckdb={version('dbt-duckdb')}".encode())
    return digest.hexdigest()[:20]


def common_args(settings: Settings, target_path: Path | None = None) -> list[str]:
    target_path = target_path or settings.dbt_target_dir
    return [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        # dbt.log keeps warnings and errors: logging every statement at debug level was a fifth of dbt's time.
        "--quiet",
        "--log-level-file",
        "warn",
        "--no-use-colors",
        "--no-version-check",
        "--no-send-anonymous-usage-stats",
    ]


def parse_target_path(settings: Settings) -> Path:
    """Where dbt keeps its partial-parsing state, one folder per target."""
    return PARSE_DIR / settings.target


def parsed_manifest(settings: Settings, write_json: bool = False):
    """dbt's parsed manifest of the project as it is now, for this target (`dbtRunner().invoke(["parse"])`).

    dbt parses again in full whenever a variable its profile reads changes, and the DuckDB path holds the data
    folder: parsing is therefore done with the data folder fixed (a parse never opens the database; relation
    names do not contain the path), so that dbt's partial parsing (~0.8 s) serves every data folder. The build
    that uses the manifest reads the real profile. write_json: also write manifest.json.
    """
    from dbt.cli.main import dbtRunner

    target_path = parse_target_path(settings)
    saved = {name: os.environ.get(name) for name in ("DAZU_DATA_DIR", *dbt_environment(settings))}
    os.environ.update({**dbt_environment(settings), "DAZU_DATA_DIR": str(target_path)})
    try:
        result = dbtRunner().invoke(
            ["parse", "--write-json" if write_json else "--no-write-json", *common_args(settings, target_path)]
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return result.result


@dataclass
class DbtFailure(Exception):
    """dbt ended with errors; the nodes that failed, with dbt's message."""

    failures: list[tuple[str, str]]
    exception: str | None = None

    def __str__(self) -> str:
        lines = [f"{node}: {message}" for node, message in self.failures]
        if self.exception:
            lines.append(f"dbt: {self.exception}")
        return "dbt build failed:\n" + "\n".join(lines or ["(no failing node reported)"])


class DbtWorker:
    """One dbt command in a spawned child that has loaded dbt and the parsed manifest in advance."""

    def __init__(self, settings: Settings):
        self.settings = settings
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked threads or locks
        self._connection, child = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_serve, args=(child, settings, dbt_environment(settings)), name="dbt", daemon=True
        )
        self._process.start()
        child.close()
        self._used = False

    def run(self, args: Sequence[str]) -> Iterator[dict[str, Any]]:
        """dbt's structured result events (as `--log-format json` prints them) while dbt runs; raises DbtFailure
        when dbt fails. The child has exited, and closed the warehouse, when the iterator ends."""
        if self._used:
            raise RuntimeError("a DbtWorker runs one command")
        self._used = True
        try:
            self._connection.send([*args, *common_args(self.settings)])
            while True:
                kind, payload = self._receive()
                if kind == "event":
                    yield payload
                    continue
                self._process.join()
                if kind == "failed":
                    raise DbtFailure(*payload)
                return
        finally:
            self.stop()

    def _receive(self) -> tuple[str, Any]:
        try:
            return self._connection.recv()
        except (EOFError, OSError) as exc:
            self._process.join(timeout=10)
            raise DbtFailure([], f"the dbt process ended (exit code {self._process.exitcode})") from exc

    def stop(self) -> None:
        """Ends the child (when unused, or abandoned mid-run) and waits until its files are closed."""
        self._connection.close()
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


_prestarted: DbtWorker | None = None


def prestart(settings: Settings) -> None:
    """Start this process's worker now, before Dagster is even imported (`make run`): dbt's import and the
    parse then overlap Dagster's start. The dbt resource takes it if the settings are the same."""
    global _prestarted
    _prestarted = DbtWorker(settings)


def take_prestarted(settings: Settings) -> DbtWorker | None:
    """The prestarted worker, if it was started for these settings (once)."""
    global _prestarted
    worker, _prestarted = _prestarted, None
    if worker is not None and worker.settings != settings:
        worker.stop()
        return None
    return worker


def _serve(connection, settings: Settings, environment: Mapping[str, str]) -> None:
    """The child: load dbt and the manifest, run the one command it is sent, report, exit."""
    os.environ.update(environment)
    try:
        from dbt.cli.main import dbtRunner
        from google.protobuf.json_format import MessageToDict

        manifest, failure = parsed_manifest(settings), None
    except Exception as exc:  # reported when the command comes
        manifest, failure = None, f"dbt did not start: {type(exc).__name__}: {exc}"
    try:
        args = connection.recv()
    except (EOFError, OSError):
        return  # not needed after all
    if failure is not None:
        connection.send(("failed", ([], failure)))
        return
    send_lock = threading.Lock()  # dbt may call back from its worker threads (PostgreSQL: threads: 2)

    def on_event(message) -> None:
        if message.info.name in RESULT_EVENTS:
            event = MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
            with send_lock:
                connection.send(("event", event))

    try:
        result = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(args)
    except BaseException as exc:
        connection.send(("failed", ([], f"{type(exc).__name__}: {exc}")))
        return
    if result.success:
        connection.send(("done", None))
        return
    results = getattr(result.result, "results", None) or []
    failures = [
        (r.node.unique_id, str(r.message or r.status))
        for r in results
        if str(r.status) in {"error", "fail", "runtime error"}
    ]
    connection.send(("failed", (failures, str(result.exception) if result.exception else None)))


def main() -> None:
    """`make manifest`: dbt/target/manifest.json for the Dagster definitions (and dbt's parsing state)."""
    import shutil

    from .settings import load_settings

    settings = load_settings()
    parsed_manifest(settings, write_json=True)
    shutil.copyfile(parse_target_path(settings) / "manifest.json", DBT_PROJECT_DIR / "target" / "manifest.json")


if __name__ == "__main__":
    main()
