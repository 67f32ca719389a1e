-- sentiment_cleanup.sql: drop the per-run temp tables of the sentiment scorer (the lexicon
-- tables stay for the next run on this connection). No params.
drop table if exists sentiment_scores;
drop table if exists sentiment_input;
