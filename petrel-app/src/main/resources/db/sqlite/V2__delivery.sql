-- Delivery (issue 4): leases for claimed work, the lost-reply flag, pauses and the suppression list.

-- A recipient being delivered carries a lease: the claim that took it (lease_id) and until when
-- (lease_until, milliseconds). Another claim may take it only after the lease has run out, which is
-- how a crashed node's work comes back. Both are NULL when nobody holds the recipient.
ALTER TABLE recipients ADD COLUMN lease_id TEXT;
ALTER TABLE recipients ADD COLUMN lease_until INTEGER;
-- 1 once an attempt lost the reply after the final dot: the mail may have arrived already.
ALTER TABLE recipients ADD COLUMN possible_duplicate INTEGER NOT NULL DEFAULT 0
  CHECK (possible_duplicate IN (0, 1));

-- Destinations whose delivery is paused; the empty string pauses everything.
CREATE TABLE paused (
  domain TEXT    NOT NULL PRIMARY KEY,
  since  INTEGER NOT NULL
) STRICT;

-- Addresses not to send to (SPEC §6), per account. address is lower case so a match ignores case.
CREATE TABLE suppressions (
  account TEXT    NOT NULL,
  address TEXT    NOT NULL,
  reason  TEXT    NOT NULL,                       -- e.g. userunknown, or manual
  source  TEXT,                                   -- the reply that caused it, e.g. 550 5.1.1 ...
  created INTEGER NOT NULL,
  PRIMARY KEY (account, address)
) STRICT;
