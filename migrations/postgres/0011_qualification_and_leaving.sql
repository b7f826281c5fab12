-- The four questions' evidence on the deal itself: the budget (confirmed or not,
-- how much, since when) and the compelling event (what, by when).
alter table opportunity add column budget_status text not null default 'unknown'
    check (budget_status in ('confirmed', 'unconfirmed', 'unknown'));
alter table opportunity add column budget_amount_minor bigint check (budget_amount_minor >= 0);
alter table opportunity add column budget_confirmed_on date;
alter table opportunity add column compelling_event text check (length(compelling_event) between 1 and 200);
alter table opportunity add column compelling_event_by date;

-- An employee's planned leaving date: active until then, and prompts hand over before it.
alter table employee add column leaving_on date;
