-- scope_mentions.sql: a brand account seen for the first time can brand old customer messages
-- that @mention it (derive_threads.sql: the first @handle that is a brand account): their
-- conversations join the touched ones (a superset: any text containing '@' and the handle).
-- params: none
insert into scope_touched_conversations
select distinct messages.conversation_id
from messages
join scope_new_accounts
  on contains(lower(messages.text), '@' || scope_new_accounts.handle)
where messages.direction = 'inbound'
  and messages.conversation_id is not null
  and messages.conversation_id not in (select conversation_id from scope_touched_conversations);
