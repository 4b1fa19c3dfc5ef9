with

source as (

    select * from {{ source('raw', 'submission') }}

),

renamed as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(sha256 as varchar) as sha256,
        cast(file_name as varchar) as file_name,
        cast(archive_path as varchar) as archive_path,
        cast(department_code as varchar) as department_code,
        cast(period_code as varchar) as period_code,
        cast(sent_date as date) as sent_date,
        cast(filled_by as varchar) as filled_by,
        cast(received_at as timestamp) as received_at,
        cast(loaded_at as timestamp) as loaded_at,
        -- accepted / rejected as decided by ingestion; supersession is derived downstream
        cast(status as varchar) as ingest_status,
        cast(n_rows as integer) as n_rows,
        cast(n_errors as integer) as n_errors,
        cast(n_warnings as integer) as n_warnings,
        cast(report_path as varchar) as report_path

    from source

)

select * from renamed
