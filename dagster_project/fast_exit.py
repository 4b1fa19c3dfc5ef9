"""Ending a process without the interpreter's teardown of its modules."""

from __future__ import annotations

import atexit
import os
import sys


def exit_now(code: int) -> None:
    """Run the exit handlers (workers, multiprocessing's semaphores, open files), flush, and exit.

    For a process whose work is done and written: tearing down the Dagster, dbt, DuckDB and Great
    Expectations modules one by one takes 1-2 s and changes nothing on disk.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
