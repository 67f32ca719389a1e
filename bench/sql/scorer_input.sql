-- scorer_input.sql: the distinct inbound texts of an attached loaded database (alias src) ->
-- temp table sentiment_input(id, text), one row per distinct text, the scorer's input. Ids follow
-- the text's order, so two runs (two code versions) number every text alike. No params.
create or replace temp table sentiment_input as
select
    row_number() over (order by text) as id,
    text,
from (
    select distinct coalesce(text, '') as text
    from src.messages
    where direction = 'inbound'
);
