-- Supersession (docs/architecture.md): among the accepted submissions of one
-- department and period the latest wins, ordered by a trusted sent_date (none
-- last; a date after the arrival plus a day of clock skew is not trusted), then
-- received_at, then file_name. The other accepted ones are 'superseded'.
-- Ingestion ranks the same way (ingest/landing.py, recency_key).
with

submissions as (

    select * from {{ ref('stg_raw__submission') }}

),

accepted_ranked as (

    select
        submission_id,
        row_number() over latest_first as recency_rank,
        first_value(submission_id) over latest_first as latest_submission_id

    from submissions
    where ingest_status = 'accepted'
    window latest_first as (
        partition by department_code, period_code
        order by
            case
                when sent_date <= cast(received_at + interval '1 day' as date)
                    then sent_date
            end desc nulls last,
            received_at desc nulls last,
            {{ sort_text('file_name') }} desc nulls last,
            {{ sort_text('submission_id') }} desc nulls last
        rows between unbounded preceding and unbounded following
    )

),

final as (

    select
        submissions.*,
        cast(
            case
                when submissions.ingest_status = 'held' then 'held'
                when accepted_ranked.submission_id is null then 'rejected'
                when accepted_ranked.recency_rank = 1 then 'accepted'
                else 'superseded'
            end
        as varchar) as status,
        coalesce(accepted_ranked.recency_rank = 1, false) as is_current,
        case
            when accepted_ranked.recency_rank > 1
                then accepted_ranked.latest_submission_id
        end as superseded_by_submission_id

    from submissions
    left join accepted_ranked
        on submissions.submission_id = accepted_ranked.submission_id

)

select * from final
