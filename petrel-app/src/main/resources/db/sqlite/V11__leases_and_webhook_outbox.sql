-- Work that several nodes may share: every lease names the node holding it, and webhook work is
-- written with the event it is about instead of being found later behind a cursor.

-- The node whose claim holds the recipient (NULL: none, or a lease taken before this version).
-- A node ends its own leases when it starts again after a crash or stops cleanly; another node's
-- leases only run out.
ALTER TABLE recipients ADD COLUMN lease_node TEXT;

-- webhook_queue becomes an outbox: one row per (event, webhook) is inserted in the transaction
-- that records the event, and a dispatcher takes rows by a conditional update that puts its lease
-- on them. While leased, next_attempt is the end of the lease (as for recipients), so a dispatcher
-- that died mid-request leaves rows that are due again once the lease runs out.
ALTER TABLE webhook_queue ADD COLUMN lease_id TEXT;

-- Events recorded after a webhook's cursor had not been handed out yet: they join the outbox
-- now, with the same choice the dispatcher made (the webhook's account, the types it asked for,
-- and for a final-only webhook no message event that is not final).
INSERT OR IGNORE INTO webhook_queue (webhook, event_id, attempts, next_attempt)
SELECT w.id, e.id, 0, e.at
  FROM webhooks w JOIN events e ON e.account = w.account AND e.id > w.cursor
 WHERE (w.events IS NULL OR instr(',' || w.events || ',', ',' || e.type || ',') > 0)
   AND (w.final_only = 0 OR e.type NOT LIKE 'message.%' OR e.type IN
         ('message.delivered', 'message.bounced', 'message.expired', 'message.suppressed',
          'message.cancelled'));

-- The cursor has no use any more.
ALTER TABLE webhooks DROP COLUMN cursor;
