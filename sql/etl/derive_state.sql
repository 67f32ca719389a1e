-- derive_state.sql: one row: what the last derive of this database recorded in meta (NULL when
-- none): the digest of its inputs and SQL, and how it ran. params: none
select
    max(case when key = 'derive_fingerprint' then value end) as fingerprint,
    max(case when key = 'derive_mode' then value end) as mode
from meta
