-- sentiment_save_staged.sql: write the scores of temp table sentiment_scores (id = record) into
-- the staged rows they belong to (temp table staged_rows, row k = record k, see
-- normalize_twcs.sql / normalize_x.sql), so that insert_messages.sql reads rows and scores in
-- one plain scan: DuckDB then inserts in parallel and keeps the record order (a positional or
-- hash join in the insert runs it on one thread, or loses the order).
-- The score only: the insert derives the label from it (writing 1.6M labels here cost ~0.35
-- CPU s at 2.8M).
-- No params.
update staged_rows
set sentiment = scores.score
from sentiment_scores as scores
where staged_rows.rowid + 1 = scores.id;
