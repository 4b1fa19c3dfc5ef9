-- Period semantics come from the Python parser (raw.period); only display names
-- are derived here.
with

periods as (

    select * from {{ ref('stg_raw__period') }}

),

named as (

    select
        *,
        month(start_date) as start_month,
        month(end_date) as end_month,
        cast(year as varchar) as year_text

    from periods

),

final as (

    select
        period_code,
        year,
        start_date,
        end_date,
        granularity,
        is_ytd,
        case
            when granularity = 'year' then year_text || '年'
            when granularity = 'half' and start_month = 1 then year_text || '年上半年'
            when granularity = 'half' then year_text || '年下半年'
            when granularity = 'quarter'
                then year_text || '年第'
                    || ['一', '二', '三', '四'][(start_month + 2) // 3]
                    || '季度'
            when granularity = 'month'
                then year_text || '年' || cast(end_month as varchar) || '月'
            when granularity = 'ytd'
                then year_text || '年1-' || cast(end_month as varchar) || '月'
            else strftime(start_date, '%Y年%-m月%-d日') || '至' || strftime(end_date, '%Y年%-m月%-d日')
        end as name_zh,
        case
            when granularity = 'year' then year_text
            when granularity = 'half' and start_month = 1 then 'H1 ' || year_text
            when granularity = 'half' then 'H2 ' || year_text
            when granularity = 'quarter'
                then 'Q' || cast((start_month + 2) // 3 as varchar) || ' ' || year_text
            when granularity = 'month' then strftime(end_date, '%B %Y')
            when granularity = 'ytd' then 'January-' || strftime(end_date, '%B %Y')
            else strftime(start_date, '%Y-%m-%d') || ' to ' || strftime(end_date, '%Y-%m-%d')
        end as name_en,
        cast(datediff('month', start_date, end_date) + 1 as integer) as n_months

    from named

)

select * from final
