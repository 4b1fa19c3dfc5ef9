-- The classes of 亩均论英雄 (seed mu_classes), with the upper bound each class
-- implies: the next higher class's minimum (exclusive), null for the top class.
with

classes as (

    select * from {{ ref('stg_reference__mu_classes') }}

),

final as (

    select
        mu_class,
        name_zh,
        name_en,
        min_tax_per_mu,
        lead(min_tax_per_mu) over (order by min_tax_per_mu asc) as max_tax_per_mu,
        sort_order

    from classes

)

select * from final
