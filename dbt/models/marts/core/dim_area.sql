with

areas as (

    select * from {{ ref('stg_reference__areas') }}

),

final as (

    select
        area_code,
        name_zh,
        name_en,
        area_type,
        parent_area_code,
        sort_order,
        aliases

    from areas

)

select * from final
