-- sentiment_texts_result.sql: one row per row of sentiment_texts_df, in its order, with the
-- score of its text from sentiment_scores. No params.
with

frame as (select ord, coalesce(text, '') as text from sentiment_texts_df),

final as (
    select
        frame.ord,
        scores.score,
        scores.label,
    from frame
    join sentiment_input as input on input.text = frame.text
    join sentiment_scores as scores on scores.id = input.id
)

select * from final order by ord
