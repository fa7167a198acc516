-- State that used to be files in the data folder moves into the database, so that several nodes
-- sharing one database share it too, and a backup of the database carries it.

-- SMTP logins: the password is never stored, only its hash
-- (pbkdf2-sha256$iterations$salt$hash, salt and hash in base64).
-- (The login's column is "name": USER is a reserved word in other SQL dialects.)
CREATE TABLE smtp_logins (
  name    TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  hash    TEXT NOT NULL,
  added   INTEGER NOT NULL
);

CREATE INDEX smtp_logins_by_account ON smtp_logins (account);

-- Secrets of the installation (such as the key of VERP return paths), by name. A secret is
-- written once, by whichever node needs it first, and never replaced.
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
