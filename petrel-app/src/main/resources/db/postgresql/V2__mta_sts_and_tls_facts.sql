-- TLS facts of each delivery attempt: how the server's certificate was verified (mta-sts, dane,
-- pkix, none), the TLS policy in force with its source, and what failed under it. NULL on older
-- rows and where no server was chosen.
ALTER TABLE attempts ADD COLUMN tls_verified TEXT;
ALTER TABLE attempts ADD COLUMN tls_policy TEXT;
ALTER TABLE attempts ADD COLUMN tls_problem TEXT;

-- MTA-STS policies (RFC 8461) fetched for recipient domains, kept for their max_age so a restart
-- or another node does not fetch them again (RFC 8461 §5.1). One row per domain.
CREATE TABLE mta_sts_policies (
  domain   TEXT   NOT NULL PRIMARY KEY,
  id       TEXT   NOT NULL,
  policy   TEXT   NOT NULL,
  fetched  BIGINT NOT NULL,
  expires  BIGINT NOT NULL
);
