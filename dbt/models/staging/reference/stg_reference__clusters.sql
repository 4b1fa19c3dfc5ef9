with

source as (

    select * from {{ source('reference', 'clusters') }}

),

renamed as (

    select
        cast(cluster_code as varchar) as cluster_code,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(tier as varchar) as tier,
        cast(tier_zh as varchar) as tier_zh,
        cast(sort_order as integer) as sort_order,
        coalesce(cast(in_246 as boolean), false) as in_246,
        cast(aliases as varchar) as aliases

    from source

)

select * from renamed
