-- sentiment_cleanup_staged.sql: drop the per-run objects of score_staged once the rows are
-- saved: the scores and the view of the staged texts (sentiment_stage_staged.sql; DuckDB drops
-- a view only as a view). The lexicon tables stay for the next run on this connection.
-- No params.
drop table if exists sentiment_scores;
drop view if exists sentiment_input;
