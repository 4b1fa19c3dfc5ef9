with

clusters as (

    select * from {{ ref('stg_reference__clusters') }}

),

final as (

    select
        cluster_code,
        name_zh,
        name_en,
        tier,
        tier_zh,
        sort_order,
        in_246,
        aliases

    from clusters

)

select * from final
