-- scope_counts.sql: one row: messages in the database, and those derive has not placed in a
-- conversation yet (loaded since the last derive). Two counts rather than one filtered count:
-- the first is the table's row count, and the second reads only the row groups whose
-- statistics say they hold a null conversation_id (the newly loaded ones), not every message.
-- params: none
select
    (select count(*) from messages) as messages,
    (select count(*) from messages where conversation_id is null) as new_messages
