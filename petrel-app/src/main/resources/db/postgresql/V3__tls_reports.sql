-- SMTP TLS Reporting (RFC 8460). Delivery reports every attempt to set up TLS with a receiving
-- server; they are counted here per account, UTC day, policy domain, policy and result, with the
-- failure details a report lists (RFC 8460 §4.4). Text columns hold '' where there is nothing
-- (a successful session has no result type, receiving server or reason), so that every count has
-- exactly one row to add to.
CREATE TABLE tls_sessions (
  account        TEXT    NOT NULL,
  day            TEXT    NOT NULL, -- YYYY-MM-DD, UTC
  policy_domain  TEXT    NOT NULL,
  policy_type    TEXT    NOT NULL, -- sts, tlsa or no-policy-found
  policy_strings TEXT    NOT NULL, -- the policy's lines, joined with LF
  result         TEXT    NOT NULL, -- '' when successful, else the RFC 8460 result type
  sending_ip     TEXT    NOT NULL,
  receiving_mx   TEXT    NOT NULL,
  receiving_ip   TEXT    NOT NULL,
  reason         TEXT    NOT NULL, -- failure-reason-code
  n              BIGINT  NOT NULL,
  PRIMARY KEY (day, policy_domain, account, policy_type, policy_strings, result, sending_ip,
               receiving_mx, receiving_ip, reason)
);

CREATE INDEX tls_sessions_by_account ON tls_sessions (account, day);

-- The daily reports, one per UTC day and policy domain. The row is written before the report is
-- sent (claimed), so a restart or a second node never sends it again.
CREATE TABLE tls_reports (
  id            TEXT    PRIMARY KEY, -- the report-id
  day           TEXT    NOT NULL,
  policy_domain TEXT    NOT NULL,
  created       BIGINT  NOT NULL,
  rua           TEXT    NOT NULL, -- where it went, as published ('' when no record was found)
  outcome       TEXT    NOT NULL, -- what became of it, for the operator
  report        TEXT    NOT NULL, -- the report's JSON
  UNIQUE (day, policy_domain)
);

CREATE INDEX tls_reports_by_created ON tls_reports (created);
