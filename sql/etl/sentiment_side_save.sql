-- sentiment_side_save.sql: on the second connection, once the first has inserted the run's
-- rows: their scores (temp table sentiment_scores, id = record) into the messages of the run,
-- by message id (every record of such a run was new, so each id is one inserted row); then
-- the shared texts and the temp tables go.
-- The rows of the run are the last ones written: run_id's zone maps skip the older row groups.
-- params: $run_id
update messages
set
    sentiment = scored.score,
    sentiment_label = scored.label
from (
    select texts.message_id, scores.score, scores.label
    from sentiment_scores as scores
    join load_work.staged_texts as texts on texts.id = scores.id
) as scored
where messages.run_id = $run_id
    and messages.message_id = scored.message_id;

drop table load_work.staged_texts;

drop table if exists sentiment_scores;

drop table if exists sentiment_input;
