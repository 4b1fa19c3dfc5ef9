-- Enterprise monthly files (docs/enterprise_feed.md), typed. The raw table only
-- exists once ingestion has run with the enterprise feed: until then, no rows.
with

source as (

    {{ source_or_empty('raw', 'enterprise_submission', [
        'submission_id', 'sha256', 'file_name', 'archive_path', 'received_at', 'loaded_at',
        'status', 'n_rows', 'n_errors', 'report_path', 'catalog_version',
    ]) }}

),

renamed as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(sha256 as varchar) as sha256,
        cast(file_name as varchar) as file_name,
        cast(archive_path as varchar) as archive_path,
        cast(received_at as timestamp) as received_at,
        cast(loaded_at as timestamp) as loaded_at,
        -- accepted / rejected as decided by ingestion (enterprise files are never superseded:
        -- a later file replaces rows, enterprise by enterprise and month by month)
        cast(status as varchar) as ingest_status,
        cast(n_rows as integer) as n_rows,
        cast(n_errors as integer) as n_errors,
        cast(report_path as varchar) as report_path,
        cast(catalog_version as varchar) as catalog_version

    from source

)

select * from renamed
