-- events.sql: replace the event calendar with the rows of the registered frame `events_frame`
-- (etl/events.py validated them). One row per event; keywords arrive ';'-joined.
-- params: none
delete from events;

insert into events (event_id, name, brand, starts_at, ends_at, kind, keywords, line)
select
    event_id,
    name,
    brand,
    starts_at,
    ends_at,
    kind,
    case
        when keywords is null or keywords = '' then []::varchar[]
        else string_split(keywords, ';')
    end as keywords,
    line
from events_frame
order by event_id;
