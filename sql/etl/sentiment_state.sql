-- sentiment_state.sql: one row: how many sentiment lexicon tables this connection has, and
-- the optimizers it has disabled (the scorer pins join sides only if that is empty). No params.
select
    (
        select count(*)
        from duckdb_tables()
        where temporary
            and table_name in ('sentiment_words', 'sentiment_context', 'sentiment_phrases')
    ) as lexicon_tables,
    current_setting('disabled_optimizers') as disabled_optimizers
