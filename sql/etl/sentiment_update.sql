-- sentiment_update.sql: set sentiment and sentiment_label of inbound messages not scored yet,
-- from sentiment_input / sentiment_scores (one UPDATE). Returns the number of rows updated.
-- No params.
update messages
set
    sentiment = scored.score,
    sentiment_label = scored.label
from (
    select input.text, scores.score, scores.label
    from sentiment_input as input
    join sentiment_scores as scores on scores.id = input.id
) as scored
where messages.direction = 'inbound'
    and messages.sentiment is null
    and coalesce(messages.text, '') = scored.text
