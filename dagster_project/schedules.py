"""When the jobs run: the nightly job at 02:00 Beijing time and whenever the inbox changes; publishing after a
nightly run that rebuilt only some marts."""

import dagster as dg

from .assets.serving import MART_KEYS, PARQUET_EXPORT, PUBLISHED
from .ingest.inbox import inbox_fingerprint
from .resources import SettingsResource

# In-process: one step at a time (DuckDB has one writer) and no per-step process start-up.
nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="报送入库并重建数据仓库 / ingest the inbox and rebuild the warehouse",
)

# A nightly run that rebuilds only some marts does not publish: Dagster skips a step when an asset it depends
# on was not materialized in the run, and a mart left as it was is not reported as materialized. This job
# publishes them; its run holds only publishing and the export, so the marts it reads are those on disk.
publish_job = dg.define_asset_job(
    "publish",
    selection=dg.AssetSelection.assets(PUBLISHED, PARQUET_EXPORT),
    executor_def=dg.in_process_executor,
    description="发布重建的数据集市 / publish the marts a nightly run rebuilt",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0200_asia_shanghai",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=nightly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, settings: SettingsResource):
    """Starts a run when a file in the inbox is added, removed or changed."""
    fingerprint = inbox_fingerprint(settings.get().inbox)
    if fingerprint == context.cursor:
        return dg.SkipReason("收件箱无变化 / inbox unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)


def unpublished_marts(instance: dg.DagsterInstance) -> list[dg.AssetKey]:
    """Marts materialized since the warehouse was last published."""

    def latest(key: dg.AssetKey) -> int:
        records = instance.fetch_materializations(key, limit=1).records
        return records[0].storage_id if records else -1

    published = latest(PUBLISHED)
    return [key for key in MART_KEYS if latest(key) > published]


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly_job],
    request_job=publish_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def publish_after_nightly(context: dg.RunStatusSensorContext):
    """After a nightly run that succeeded (its blocking checks passed) and left rebuilt marts unpublished."""
    waiting = unpublished_marts(context.instance)
    if not waiting:
        return dg.SkipReason("无待发布的数据集市 / no rebuilt mart waits to be published")
    return dg.RunRequest(run_key=context.dagster_run.run_id, tags={"dazu/after_run": context.dagster_run.run_id})
