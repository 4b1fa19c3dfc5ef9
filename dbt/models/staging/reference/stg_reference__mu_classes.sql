with

source as (

    select * from {{ source('reference', 'mu_classes') }}

),

renamed as (

    select
        cast(mu_class as varchar) as mu_class,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(min_tax_per_mu as double precision) as min_tax_per_mu,
        cast(sort_order as integer) as sort_order

    from source

)

select * from renamed
