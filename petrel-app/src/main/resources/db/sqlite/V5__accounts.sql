-- Accounts, their API keys and their monthly usage (SPEC §9; issue 5). Numbered 5 to leave room for
-- delivery-side migrations. Times are milliseconds since the epoch (UTC).

CREATE TABLE accounts (
  name    TEXT    NOT NULL PRIMARY KEY,           -- e.g. default, acme; what messages.account holds
  plan    TEXT    NOT NULL,                       -- a plan name from the configuration, e.g. free
  created INTEGER NOT NULL
) STRICT;

-- API keys are random secrets shown once; only their SHA-256 is kept. id is the public part shown
-- in listings (the key's first characters) so people can tell keys apart without the secret.
CREATE TABLE api_keys (
  id        TEXT    NOT NULL PRIMARY KEY,
  account   TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
  hash      TEXT    NOT NULL UNIQUE,
  created   INTEGER NOT NULL,
  revoked   INTEGER
) STRICT;

CREATE INDEX api_keys_by_account ON api_keys (account);

-- Accepted recipients per account per calendar month (UTC, 'YYYY-MM'); counted in the same
-- transaction that makes a message durable, so the count never disagrees with the queue.
CREATE TABLE usage (
  account    TEXT    NOT NULL,
  month      TEXT    NOT NULL,
  recipients INTEGER NOT NULL DEFAULT 0,
  warned     INTEGER NOT NULL DEFAULT 0 CHECK (warned IN (0, 1)),  -- the 90 % event was sent
  PRIMARY KEY (account, month)
) STRICT;

-- Idempotency-Key of POST /api/v1/messages: the same key within 24 h returns the first answer.
CREATE TABLE idempotency (
  account     TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,                   -- SHA-256 of the request body
  status      INTEGER NOT NULL,
  response    TEXT    NOT NULL,
  created     INTEGER NOT NULL,
  PRIMARY KEY (account, key)
) STRICT;

-- Where a message came from: smtp or api (API mail gets webhooks instead of DSNs by default).
ALTER TABLE messages ADD COLUMN source TEXT NOT NULL DEFAULT 'smtp';
