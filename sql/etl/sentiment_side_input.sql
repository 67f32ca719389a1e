-- sentiment_side_input.sql: on the second connection, load_work.staged_texts
-- (sentiment_side_share.sql) -> temp table sentiment_input (id, text), which sentiment.sql
-- scores there.
-- params: none
create or replace temp table sentiment_input as
select id, text
from load_work.staged_texts;
