-- sentiment_stage_texts.sql: the distinct texts of a registered frame sentiment_texts_df
-- (text, ord) -> temp table sentiment_input, one row per distinct text. No params.

create or replace temp table sentiment_input as
select
    row_number() over () as id,
    text,
from (select distinct coalesce(text, '') as text from sentiment_texts_df);
