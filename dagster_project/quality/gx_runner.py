"""One Great Expectations context per run: suites from expectations/*.json, validated on pandas frames.

GX costs ~3 s of CPU to import. The context therefore lives in a child process (`GxWorker`, started with
`spawn`), which `prestart()` can launch as soon as a run begins: the import then runs on the second core
while the run starts up and reads the inbox. The pipeline sees the same three calls as before
(validate, build_data_docs, suite_names). GX analytics and progress bars are off.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..fast_exit import exit_now
from ..settings import REPO_ROOT

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DATA_DOCS_SITE = "dazu246"


@dataclass(frozen=True)
class Finding:
    """One failed expectation: its rule metadata and the frame rows that broke it."""

    rule: str
    severity: str  # critical | warning
    meta: dict
    expectation_type: str
    row_indices: tuple = ()
    observed: dict = field(default_factory=dict)


class GxRunner:
    def __init__(self, expectations_dir: Path = EXPECTATIONS_DIR):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        for site in list(self.context.get_site_names()):
            self.context.delete_data_docs_site(site)  # the default site writes into a temporary folder
        self._source = self.context.data_sources.add_pandas("frames")
        self._checkpoints: dict[str, object] = {}
        for path in sorted(expectations_dir.glob("*.json")):
            suite = gx.ExpectationSuite(**json.loads(path.read_text(encoding="utf-8")))
            suite = self.context.suites.add(suite)
            batch = self._source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("frame")
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
            )
            self._checkpoints[suite.name] = self.context.checkpoints.add(
                gx.Checkpoint(
                    name=suite.name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"}
                )
            )
        self._lock = threading.Lock()
        self._docs_dir: Path | None = None
        self._unrendered: list = []  # validation results not yet in the Data Docs

    @property
    def suite_names(self) -> list[str]:
        return sorted(self._checkpoints)

    def validate(self, suite_name: str, frame: pd.DataFrame) -> list[Finding]:
        """Failed expectations of the suite on the frame, with the frame indices of failing rows."""
        with self._lock:
            result = self._checkpoints[suite_name].run(batch_parameters={"dataframe": frame})
            self._unrendered.extend(result.run_results.keys())
        findings = []
        for validation in result.run_results.values():
            for outcome in validation.results:
                if outcome.success:
                    continue
                config = outcome.expectation_config
                if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                    raise RuntimeError(
                        f"{suite_name}: {config.type} failed to run: {outcome.exception_info.get('exception_message')}"
                    )
                details = outcome.result or {}
                findings.append(
                    Finding(
                        rule=config.meta.get("rule", config.type),
                        severity=getattr(config.severity, "value", str(config.severity)),
                        meta=dict(config.meta),
                        expectation_type=config.type,
                        row_indices=tuple(details.get("unexpected_index_list") or ()),
                        observed={k: details.get(k) for k in ("observed_value", "unexpected_count") if k in details},
                    )
                )
        return findings

    def build_data_docs(self, directory: Path) -> Path:
        """GX Data Docs of this process's validations, as static HTML under directory.

        Called after each group of checks: only the validations since the previous call are rendered
        (and the index), not every page again.
        """
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if directory != self._docs_dir or not (directory / "index.html").exists():
                if DATA_DOCS_SITE in self.context.get_site_names():
                    self.context.delete_data_docs_site(DATA_DOCS_SITE)
                self.context.add_data_docs_site(
                    DATA_DOCS_SITE,
                    {
                        "class_name": "SiteBuilder",
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(directory),
                        },
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    },
                )
                self.context.build_data_docs(site_names=[DATA_DOCS_SITE])
                self._docs_dir = directory
            elif self._unrendered:
                self.context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=self._unrendered)
            self._unrendered = []
        return directory / "index.html"


class GxWorker:
    """A GxRunner in a spawned child process; calls go through a pipe and wait for the child."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked threads or locks
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="great-expectations", daemon=True)
        self._process.start()
        child.close()
        self._lock = threading.Lock()
        # Calls whose caller does not wait (validate_later), made one at a time by one thread.
        self._queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="great-expectations")
        atexit.register(self.close)

    def close(self) -> None:
        """Lets the child finish on its own (it cleans up after itself), rather than being killed at exit."""
        self._queue.shutdown(wait=True)
        with self._lock:
            self._connection.close()
        self._process.join(timeout=10)

    def _call(self, method: str, *args):
        with self._lock:
            try:
                self._connection.send((method, args))
                ok, value = self._connection.recv()
            except (EOFError, OSError, ValueError) as exc:  # ValueError: closed
                raise RuntimeError(
                    f"the Great Expectations process ended (exit code {self._process.exitcode})"
                ) from exc
        if not ok:
            raise RuntimeError(value)
        return value

    @property
    def suite_names(self) -> list[str]:
        return self._call("suite_names")

    def validate(self, suite_name: str, frame: pd.DataFrame) -> list[Finding]:
        return self._call("validate", suite_name, frame)

    def validate_later(self, suite_name: str, frame: pd.DataFrame) -> Future:
        """validate in the worker while the caller goes on; calls are answered in the order they were made."""
        return self._queue.submit(self._call, "validate", suite_name, frame)

    def build_data_docs(self, directory: Path) -> Path:
        return self._call("build_data_docs", directory)

    def alive(self) -> bool:
        return self._process.is_alive()


def _serve(connection) -> None:
    """The child: one GxRunner, answering calls until the parent closes the pipe."""
    try:
        runner, failure = GxRunner(), None
    except Exception as exc:  # every call then reports why GX could not start
        runner, failure = None, f"Great Expectations did not start: {type(exc).__name__}: {exc}"
    while True:
        try:
            method, args = connection.recv()
        except (EOFError, OSError):
            # The parent closed the pipe: every answer is sent and the Data Docs are written, so the GX
            # modules need no teardown (~1 s that the parent would wait for at the end of every run).
            exit_now(0)
        if runner is None:
            connection.send((False, failure))
            continue
        try:
            value = getattr(runner, method)
            connection.send((True, value(*args) if callable(value) else value))
        except Exception as exc:
            connection.send((False, f"{type(exc).__name__}: {exc}"))


_runner: GxWorker | None = None
_runner_lock = threading.Lock()


def gx_runner() -> GxWorker:
    """This process's Great Expectations worker, started on first use (or by prestart)."""
    global _runner
    with _runner_lock:
        if _runner is None or not _runner.alive():
            _runner = GxWorker()
        return _runner


def prestart() -> None:
    """Start the worker now, without waiting for it: its import overlaps what the caller does next."""
    gx_runner()
