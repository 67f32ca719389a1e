-- sentiment_side_share.sql: the texts of this run's mappable inbound staged records (as
-- sentiment_stage_staged.sql picks them) with their message ids, in a table of the attached
-- in-memory database load_work that both connections of the load see (temp tables are one
-- connection's): the second connection scores them while the first inserts the rows and looks
-- for the derive's scope (etl/load.py, a small load whose records are all new).
-- -> load_work.staged_texts (id = record, message_id, text).
-- params: none
attach if not exists ':memory:' as load_work;

create or replace table load_work.staged_texts as
select
    record as id,
    message_id,
    coalesce(text, '') as text,
from staged
where direction = 'inbound'
    and reject_reason is null;
