-- lexicon_cache_store.sql: keep the sentiment lexicon frames registered on this connection
-- (etl.sentiment.lexicon_frames) as tables, as DuckDB reads them, with the digest of their
-- sources in meta (etl/lexicon_cache.py). params: $digest (text)
create or replace table sentiment_lexicon_words as
select * from sentiment_words_df;

create or replace table sentiment_lexicon_context as
select * from sentiment_context_df;

create or replace table sentiment_lexicon_phrases as
select * from sentiment_phrases_df;

insert or replace into meta (key, value) values ('sentiment_lexicon_digest', $digest);
