"""dbt in the Dagster process, from a cached parsed manifest.

dagster-dbt's `DbtCliResource` starts `dbt --version` and a `dbt build` subprocess and loads the adapter
once more in Dagster: about 9 s of start-up per run on this machine before the first model, and a full
re-parse whenever the profile differs (the DuckDB path contains the data folder). Here dbt runs through
its Python API (`dbtRunner`) with a `Manifest` object that is parsed once per project state and target
and kept as msgpack; dagster-dbt still turns dbt's result events into Dagster events.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .settings import DBT_PROJECT_DIR, Settings

MANIFEST_CACHE_DIR = DBT_PROJECT_DIR / "target" / "runtime_manifests"
KEEP_CACHED_MANIFESTS = 4
RESULT_EVENTS = {"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"}


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
    files = [(str(p.relative_to(DBT_PROJECT_DIR)), p) for p in DBT_PROJECT_DIR.rglob("*")
             if p.is_file() and p.suffix in {".sql", ".yml", ".yaml", ".md", ".csv"}
             and not {"target", "logs"} & set(p.relative_to(DBT_PROJECT_DIR).parts)]
    files += [(f"reference/{p.name}", p) for p in settings.reference_dir.glob("*.csv")]
    for name, path in sorted(files):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    # What a parse renders into relation names: the target, the marts schema, PostgreSQL's database.
    database = os.environ.get("PGDATABASE", "") if settings.target == "postgres" else ""
    digest.update(f"{settings.target}|{settings.build_marts_schema}|{database}".encode())
    digest.update(f"dbt-core={version('dbt-core')} dbt-duckdb={version('dbt-duckdb')}".encode())
    return digest.hexdigest()[:20]


def _common_args(settings: Settings, target_path: Path | None = None) -> list[str]:
    target_path = target_path or settings.dbt_target_dir
    return [
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target_path), "--log-path", str(target_path),
        # dbt.log keeps warnings and errors: logging every statement at debug level was a fifth of dbt's time.
        "--quiet", "--log-level-file", "warn",
        "--no-use-colors", "--no-version-check", "--no-send-anonymous-usage-stats",
    ]


def load_manifest(settings: Settings, parse_into: Path | None = None):
    """The parsed manifest for the project as it is now and this target: from the cache, or parsed.

    parse_into: parse even when cached, writing dbt's artifacts (manifest.json) into that folder.
    """
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumaro_encoder, extended_mashumuro_decoder

    cached = MANIFEST_CACHE_DIR / f"{project_fingerprint(settings)}.msgpack"
    if cached.exists() and parse_into is None:
        try:
            return Manifest.from_msgpack(cached.read_bytes(), decoder=extended_mashumuro_decoder)
        except Exception:  # written by another dbt version, or cut short: parse again
            pass
    result = dbtRunner().invoke(["parse", *_common_args(settings, parse_into)])
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    manifest = result.result
    try:
        MANIFEST_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(manifest.to_msgpack(extended_mashumaro_encoder))
        os.replace(partial, cached)
        for old in sorted(MANIFEST_CACHE_DIR.glob("*.msgpack"), key=lambda p: p.stat().st_mtime)[:-KEEP_CACHED_MANIFESTS]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only checkout still runs, it only parses every time
        pass
    return manifest


@dataclass
class DbtFailure(Exception):
    """dbt ended with errors; the nodes that failed, with dbt's message."""

    failures: list[tuple[str, str]]
    exception: BaseException | None = None

    def __str__(self) -> str:
        lines = [f"{node}: {message}" for node, message in self.failures]
        if self.exception is not None:
            lines.append(f"dbt: {self.exception}")
        return "dbt build failed:\n" + "\n".join(lines or ["(no failing node reported)"])


class DbtInvocation:
    """One dbt command run in a background thread; its result events are handed over as they come."""

    def __init__(self, settings: Settings, args: Sequence[str]):
        self.settings = settings
        self.args = list(args)
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.result = None
        self.error: BaseException | None = None

    def _on_event(self, message) -> None:
        if message.info.name in RESULT_EVENTS:
            from dbt_common.events.functions import msg_to_dict

            self._events.put(msg_to_dict(message))

    def _run(self, manifest) -> None:
        from dbt.cli.main import dbtRunner

        try:
            self.result = dbtRunner(manifest=manifest, callbacks=[self._on_event]).invoke(
                [*self.args, *_common_args(self.settings)])
        except BaseException as exc:  # reported by raw_events in the caller's thread
            self.error = exc
        finally:
            close_duckdb_environment()
            self._events.put(None)

    def raw_events(self) -> Iterator[dict[str, Any]]:
        """dbt's structured result events (the `--log-format json` lines), while dbt runs."""
        manifest = load_manifest(self.settings)
        worker = threading.Thread(target=self._run, args=(manifest,), name="dbt", daemon=True)
        worker.start()
        while (event := self._events.get()) is not None:
            yield event
        worker.join()
        if self.error is not None:
            raise DbtFailure([], self.error)
        if not self.result.success:
            raise DbtFailure(self.failures(), self.result.exception)

    def failures(self) -> list[tuple[str, str]]:
        results = getattr(self.result.result, "results", None) or []
        return [(r.node.unique_id, str(r.message or r.status)) for r in results
                if str(r.status) in {"error", "fail", "runtime error"}]


def close_duckdb_environment() -> None:
    """dbt-duckdb keeps its DuckDB database open for the life of the process: close it after each run."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            try:
                DuckDBConnectionManager._ENV.close()
            finally:
                DuckDBConnectionManager._ENV = None


def main() -> None:
    """`make manifest`: dbt/target/manifest.json for the Dagster definitions, and the cached manifest for runs."""
    from .settings import load_settings

    settings = load_settings()
    os.environ.update(dbt_environment(settings))
    load_manifest(settings, parse_into=DBT_PROJECT_DIR / "target")


if __name__ == "__main__":
    main()
