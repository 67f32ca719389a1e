-- lexicon_cache_close.sql: drop the views lexicon_cache_open.sql made. params: none
drop view if exists sentiment_words_df;

drop view if exists sentiment_context_df;

drop view if exists sentiment_phrases_df;
