-- A controller's own days off besides weekends and public holidays (midsommarafton, julafton,
-- nyårsafton), counted in the time limit of the data subject requests it registers from then on
-- (JSON: ombud-domain's request/calendar.rs `ExtraDaysOff`; '{}' is none, the default).

ALTER TABLE controller_settings ADD COLUMN request_days_off TEXT NOT NULL DEFAULT '{}';
