-- config_store.sql: replace the config_* tables with the configuration being applied, from the
-- frames etl/business_hours.py registers (config_*_frame). Runs before every derive, so the
-- derived business figures always match the stored configuration.
-- params: none

delete from config_brands;
insert into config_brands
select brand::varchar, timezone::varchar from config_brands_frame;

delete from config_schedules;
insert into config_schedules
select brand::varchar, effective_from::date from config_versions_frame;

delete from config_hours;
insert into config_hours
select
    brand::varchar,
    effective_from::date,
    weekday::integer,
    opens_minute::integer,
    closes_minute::integer
from config_hours_frame;

delete from config_holidays;
insert into config_holidays
select brand::varchar, effective_from::date, day::date from config_holidays_frame;

delete from config_sla;
insert into config_sla
select brand::varchar, target_minutes::double, is_primary::boolean from config_sla_frame;
