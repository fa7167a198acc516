-- Statistics (GET /api/v1/stats) read one account's state changes and attempts over a time range.
-- Without these indexes both reads would scan every account's rows: events by time alone, and
-- attempts not at all by time.
CREATE INDEX events_by_account ON events (account, at);
CREATE INDEX attempts_by_time ON attempts (at);
