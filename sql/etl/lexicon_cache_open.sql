-- lexicon_cache_open.sql: the stored sentiment lexicon frames under the names etl.sentiment
-- registers its frames with, for sentiment_setup.sql to read (temp views; dropped again by
-- lexicon_cache_close.sql). params: none
create or replace temp view sentiment_words_df as
select * from sentiment_lexicon_words;

create or replace temp view sentiment_context_df as
select * from sentiment_lexicon_context;

create or replace temp view sentiment_phrases_df as
select * from sentiment_lexicon_phrases;
