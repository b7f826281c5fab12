-- Fit between support and a deal: the industries a resource serves and the
-- skills it brings, and the skills a request needs (comma-separated tags; empty:
-- any industry, no particular skill).
alter table support_resource add column industries text not null default '';
alter table support_resource add column skills text not null default '';
alter table support_request add column skills text not null default '';
