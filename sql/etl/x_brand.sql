-- x_brand.sql: one row: the brand account of the current X load (see x_documents.sql).
-- params: none
select handle, user_id
from x_brand
