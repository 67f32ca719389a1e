-- save_x_account.sql: remember a brand's X account (user id and handle as X spells it), so saved
-- responses that never show the brand's own user object still tell its messages apart.
-- One row in `meta`: key 'x_account:<lowercase handle>', value a JSON object {id, username}.
-- params: $handle (text), $account (JSON text)
insert into meta (key, value)
values ('x_account:' || lower($handle::varchar), $account::varchar)
on conflict (key) do update set value = excluded.value;
