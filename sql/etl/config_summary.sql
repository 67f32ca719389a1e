-- config_summary.sql: one row: what `carepulse derive` re-derived and with how much
-- configuration (brands with data, brands of the data the configuration names).
-- params: none
select
    (select count(*) from conversations) as conversations,
    (select count(*) from replies) as replies,
    (select count(distinct brand) from messages where brand is not null) as brands,
    (
        select count(distinct lower(config_brands.brand))
        from config_brands
        where lower(config_brands.brand) in (
            select lower(brand) from messages where brand is not null)
    ) as configured
