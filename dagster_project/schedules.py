"""When the job runs: nightly at 02:00 Beijing time, and whenever the inbox changes."""


import dagster as dg

from .ingest.inbox import inbox_fingerprint
from .settings import load_settings

# In-process: one step at a time (DuckDB has one writer) and no per-step process start-up.
nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="报送入库并重建数据仓库 / ingest the inbox and rebuild the warehouse",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0200_asia_shanghai",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=nightly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """Starts a run when a file in the inbox is added, removed or changed."""
    fingerprint = inbox_fingerprint(load_settings().inbox)
    if fingerprint == context.cursor:
        return dg.SkipReason("收件箱无变化 / inbox unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
