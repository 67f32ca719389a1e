-- lexicon_cache_state.sql: one row: whether the current database has a `meta` table, and
-- whether it keeps the three sentiment lexicon frames (etl/lexicon_cache.py). params: none
with

tables as (
    select table_name
    from duckdb_tables()
    where database_name = current_database()
      and schema_name = 'main'
      and not temporary
)

select
    count(*) filter (where table_name = 'meta') > 0 as has_meta,
    count(*) filter (
        where table_name in ('sentiment_lexicon_words', 'sentiment_lexicon_context',
                             'sentiment_lexicon_phrases')
    ) = 3 as stored_tables
from tables
