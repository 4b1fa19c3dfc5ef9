-- The submission log: department reports (raw.submission, with supersession) and
-- enterprise monthly files (raw.enterprise_submission). Enterprise files are never
-- superseded as a whole (a later file replaces rows enterprise by enterprise and
-- month by month): their status is accepted or rejected; they have no department
-- and their period is the month when the file holds exactly one.
with

submissions as (

    select * from {{ ref('int_submission_status') }}

),

enterprise_submissions as (

    select * from {{ ref('stg_raw__enterprise_submission') }}

),

-- first and last month of each accepted file, by month_start (a date read from constant row groups)
-- rather than by period_code (text): at national scale every night reads all raw rows here
enterprise_file_months as (

    select
        submission_id,
        min(month_start) as first_month_start,
        max(month_start) as last_month_start

    from {{ ref('stg_raw__enterprise_month') }}
    group by submission_id

),

department_log as (

    select
        submission_id,
        department_code,
        period_code,
        file_name,
        sha256,
        received_at,
        status,
        n_rows,
        n_errors,
        n_warnings,
        report_path,
        sent_date,
        filled_by,
        archive_path,
        loaded_at,
        superseded_by_submission_id,
        cast('department' as varchar) as feed

    from submissions

),

enterprise_log as (

    select
        enterprise_submissions.submission_id,
        cast(null as varchar) as department_code,
        case
            when enterprise_file_months.first_month_start = enterprise_file_months.last_month_start
                then {{ month_period_code(
                    'cast(extract(year from enterprise_file_months.first_month_start) as integer)',
                    'cast(extract(month from enterprise_file_months.first_month_start) as integer)') }}
        end as period_code,
        enterprise_submissions.file_name,
        enterprise_submissions.sha256,
        enterprise_submissions.received_at,
        enterprise_submissions.ingest_status as status,
        enterprise_submissions.n_rows,
        enterprise_submissions.n_errors,
        -- the enterprise feed has hard errors only
        0 as n_warnings,
        enterprise_submissions.report_path,
        cast(null as date) as sent_date,
        cast(null as varchar) as filled_by,
        enterprise_submissions.archive_path,
        enterprise_submissions.loaded_at,
        cast(null as varchar) as superseded_by_submission_id,
        cast('enterprise' as varchar) as feed

    from enterprise_submissions
    left join enterprise_file_months
        on enterprise_submissions.submission_id = enterprise_file_months.submission_id

),

all_submissions as (

    select * from department_log
    union all
    select * from enterprise_log

),

final as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(department_code as varchar) as department_code,
        cast(period_code as varchar) as period_code,
        cast(file_name as varchar) as file_name,
        cast(sha256 as varchar) as sha256,
        cast(received_at as timestamp) as received_at,
        cast(status as varchar) as status,
        cast(n_rows as integer) as n_rows,
        cast(n_errors as integer) as n_errors,
        cast(n_warnings as integer) as n_warnings,
        cast(report_path as varchar) as report_path,
        cast(sent_date as date) as sent_date,
        cast(filled_by as varchar) as filled_by,
        cast(archive_path as varchar) as archive_path,
        cast(loaded_at as timestamp) as loaded_at,
        cast(superseded_by_submission_id as varchar) as superseded_by_submission_id,
        feed

    from all_submissions

)

select * from final
