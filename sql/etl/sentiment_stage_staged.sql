-- sentiment_stage_staged.sql: the texts of this run's mappable inbound staged records (the
-- view `staged` every source defines) -> temp table sentiment_input, one row per record,
-- id = record, so sentiment_save_staged.sql writes the scores into the staged rows by an integer.
-- Not one row per distinct text: customer texts are ~98-99.8% distinct (docs/sentiment.md),
-- so deduplicating costs more (a hash of every text, and a join back by text) than it saves.
-- No params.

create or replace temp table sentiment_input as
select
    record as id,
    coalesce(text, '') as text,
from staged
where direction = 'inbound'
    and reject_reason is null;
