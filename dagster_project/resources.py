"""What assets, checks and sensors are given instead of reading globals: the settings, the warehouse, Great
Expectations and dbt, as Dagster resources. Every field left empty comes from the environment (settings.py),
so `dagster dev` and `make run` need no configuration; tests give the fields instead."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from .settings import Settings, load_settings
from .storage import Connection, connect, connect_published, warehouse_lock


class SettingsResource(dg.ConfigurableResource):
    """Where the inbox, the data folder and the catalog are, which target, the reporting date."""

    inbox: str = ""
    data_dir: str = ""
    target: str = ""
    reference_dir: str = ""
    as_of_date: str = ""

    def get(self) -> Settings:
        settings = load_settings()
        changes = {
            name: Path(value) for name in ("inbox", "data_dir", "reference_dir") if (value := getattr(self, name))
        }
        if self.target:
            changes["target"] = self.target
        if self.as_of_date:
            changes["as_of_date"] = date.fromisoformat(self.as_of_date)
        return replace(settings, **changes) if changes else settings


class WarehouseResource(dg.ConfigurableResource):
    """Connections to the working warehouse (one writer at a time, under the lock) and to the published one."""

    settings: SettingsResource

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Connection]:
        with connect(self.settings.get(), read_only=read_only) as con:
            yield con

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A writing connection, holding the writers' lock."""
        with self.lock(), connect(self.settings.get()) as con:
            yield con

    @contextmanager
    def lock(self) -> Iterator[None]:
        """The writers' lock alone, for a writer with connections of its own (dbt, publishing)."""
        settings = self.settings.get()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with warehouse_lock(settings.lock_file):
            yield

    @contextmanager
    def connect_published(self) -> Iterator[Connection]:
        with connect_published(self.settings.get()) as con:
            yield con


class GreatExpectationsResource(dg.ConfigurableResource):
    """This process's Great Expectations worker, started when the run starts so that its import overlaps."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        from .quality.gx_runner import prestart

        prestart()

    def runner(self):
        from .quality.gx_runner import gx_runner

        return gx_runner()


class DbtResource(dg.ConfigurableResource):
    """dbt in a child process (dbt_runner.DbtWorker), started when the run starts: dbt's import and the parsed
    manifest load while the run reads the inbox. One dbt command per run."""

    settings: SettingsResource
    _worker: object = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        from .dbt_runner import DbtWorker, take_prestarted

        settings = self.settings.get()
        self._worker = take_prestarted(settings) or DbtWorker(settings)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.stop()

    def run(self, args: list[str]) -> Iterator[dict]:
        """dbt's result events; see dbt_runner.DbtWorker.run."""
        from .dbt_runner import DbtWorker

        worker, self._worker = self._worker, None
        if worker is None:  # a second command in the same run
            worker = DbtWorker(self.settings.get())
        return worker.run(args)
