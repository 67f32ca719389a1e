-- scope_counts.sql: one row: messages in the database, and those derive has not placed in a
-- conversation yet (loaded since the last derive). params: none
select
    count(*) as messages,
    count(*) filter (where conversation_id is null) as new_messages
from messages
