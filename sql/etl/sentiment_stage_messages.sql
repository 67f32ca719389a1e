-- sentiment_stage_messages.sql: the distinct texts of inbound messages not scored yet
-- -> temp table sentiment_input, one row per distinct text. No params.

create or replace temp table sentiment_input as
select
    row_number() over () as id,
    text,
from (
    select distinct coalesce(text, '') as text
    from messages
    where direction = 'inbound' and sentiment is null
);
