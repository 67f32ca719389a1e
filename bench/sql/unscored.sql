-- unscored.sql: one row: inbound messages without a sentiment score. params: none
select count(*) as unscored
from messages
where direction = 'inbound' and sentiment is null
