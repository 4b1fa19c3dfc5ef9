with

submissions as (

    select * from {{ ref('int_submission_status') }}

),

final as (

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
        superseded_by_submission_id

    from submissions

)

select * from final
