-- sentiment_pin_plan.sql: keep every join of sentiment.sql as written, the small lexicon table
-- as the hash table. DuckDB's estimate for rows after UNNEST is poor, and when it flips a join
-- it builds a hash table of millions of token rows instead (measured: 40% more CPU).
-- etl.sentiment resets the setting after the query. No params.
set disabled_optimizers = 'build_side_probe_side';
