-- The data team's work list: every name the catalog does not know, as written, in
-- the submissions that are held for it or rejected. A held or rejected file is
-- read again after every catalog change, so its names here are those the current
-- catalog still lacks. The proposal is ingestion's (dagster_project/catalog/proposals.py)
-- for the first occurrence.
with

names as (

    select * from {{ ref('stg_raw__unresolved_name') }}

),

submissions as (

    select * from {{ ref('int_submission_status') }}

),

open_names as (

    select
        names.*,
        submissions.file_name,
        submissions.received_at

    from names
    inner join submissions
        on names.submission_id = submissions.submission_id
    where submissions.status in ('held', 'rejected')

),

ranked as (

    select
        *,
        row_number() over (
            partition by name_kind, name_as_written
            order by received_at, {{ sort_text('file_name') }}, name_no
        ) as occurrence

    from open_names

),

counted as (

    select
        name_kind,
        name_as_written,
        cast(count(*) as integer) as n_rows,
        cast(count(distinct submission_id) as integer) as n_submissions,
        string_agg(distinct unit_text, '|' order by unit_text) as units_seen

    from open_names
    group by name_kind, name_as_written

),

final as (

    select
        counted.name_as_written,
        counted.name_kind,
        counted.n_rows,
        counted.n_submissions,
        ranked.file_name as first_file_name,
        ranked.source_sheet as first_source_sheet,
        ranked.source_cell as first_source_cell,
        cast(counted.units_seen as varchar) as units_seen,
        ranked.proposal_kind,
        ranked.proposed_code,
        ranked.proposed_form_code,
        ranked.proposed_base_unit

    from counted
    inner join ranked
        on counted.name_kind = ranked.name_kind
        and counted.name_as_written = ranked.name_as_written
        and ranked.occurrence = 1

)

select * from final
