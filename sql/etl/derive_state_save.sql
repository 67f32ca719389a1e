-- derive_state_save.sql: record the derive that just ran in meta (key, value): the digest of
-- its inputs and SQL, and how it ran ('full: <reason>' or 'incremental: <n> messages').
-- params: $fingerprint (text), $mode (text)
insert or replace into meta (key, value) values ('derive_fingerprint', $fingerprint);

insert or replace into meta (key, value) values ('derive_mode', $mode);
