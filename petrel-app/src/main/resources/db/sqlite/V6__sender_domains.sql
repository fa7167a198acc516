-- Sender domains of accounts and their DKIM keys (SPEC §9; issue 5). A domain belongs to one
-- account at most, so one customer can never sign as another. Times are milliseconds since the
-- epoch (UTC).

CREATE TABLE sender_domains (
  domain         TEXT    NOT NULL PRIMARY KEY,   -- lower case, no trailing dot
  account        TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
  selector       TEXT    NOT NULL,               -- base name; keys live at <selector>-rsa and
                                                 -- <selector>-ed25519 ._domainkey.<domain>
  rsa_private    TEXT    NOT NULL,               -- RSA-2048 private key, PKCS#8 in base64
  rsa_public     TEXT    NOT NULL,               -- DNS p= value (SubjectPublicKeyInfo, base64)
  ed_private     TEXT    NOT NULL,               -- Ed25519 private key, PKCS#8 in base64
  ed_public      TEXT    NOT NULL,               -- DNS p= value (the 32 raw octets, base64)
  created        INTEGER NOT NULL,
  verified       INTEGER,                        -- when the DKIM records were last found right;
                                                 -- NULL: not verified (mail is not signed)
  checked        INTEGER,                        -- when the DNS records were last checked
  last_check     TEXT                            -- that check's per-record results, JSON
) STRICT;

CREATE INDEX sender_domains_by_account ON sender_domains (account, domain);
