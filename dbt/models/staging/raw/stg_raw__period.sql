-- raw.period is append-only: the parser writes the periods it met on every run,
-- so the same period_code can appear many times. Keep one row per code.
with

source as (

    select * from {{ source('raw', 'period') }}

),

renamed as (

    select
        cast(period_code as varchar) as period_code,
        cast(year as integer) as year,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(granularity as varchar) as granularity,
        cast(is_ytd as boolean) as is_ytd

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by period_code
            order by
                start_date nulls last,
                end_date nulls last,
                {{ sort_text('granularity') }} nulls last
        ) as period_rank

    from renamed

),

deduplicated as (

    select
        period_code,
        year,
        start_date,
        end_date,
        granularity,
        is_ytd

    from ranked
    where period_rank = 1

)

select * from deduplicated
