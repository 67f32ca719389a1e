-- scorer_diff.sql: one row: how many score rows of the run (temp table sentiment_scores) are
-- missing from another run's saved scores and the other way round (EXCEPT ALL both ways), and
-- both row counts. params: $other (a parquet file written by bench.scorer --scores)
select
    (select count(*) from (
        select id, score, label from sentiment_scores
        except all
        select id, score, label from read_parquet($other)
    )) as only_here,
    (select count(*) from (
        select id, score, label from read_parquet($other)
        except all
        select id, score, label from sentiment_scores
    )) as only_other,
    (select count(*) from sentiment_scores) as rows_here,
    (select count(*) from read_parquet($other)) as rows_other
