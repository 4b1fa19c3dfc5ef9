"""Named points where a test makes the run die as a crash would (DAZU_FAILPOINT=name).

The whole process group is killed with SIGKILL, children (dbt) included, as when the machine or the
run's container goes down. Only the crash-safety tests set the variable.
"""

import os
import signal


def failpoint(name: str) -> None:
    if os.environ.get("DAZU_FAILPOINT") == name:
        os.killpg(os.getpgid(0), signal.SIGKILL)
