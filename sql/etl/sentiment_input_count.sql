-- sentiment_input_count.sql: one row: how many texts temp table sentiment_input holds. No params.
select count(*) as texts from sentiment_input
