-- Tags and metadata of a message, kept out of the message itself (they never reach a recipient),
-- and what searching by subject and Message-ID needs.

-- The caller's metadata: a JSON object of string, number and boolean values, as given (a number
-- stays a number). NULL when there is none.
ALTER TABLE messages ADD COLUMN metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata));

-- The Subject summary folded to lower case, for case-insensitive substring search. New rows are
-- folded by Petrel (every script); SQLite's lower() folds only ASCII letters, so messages queued
-- before this version match other letters only in the case they were written.
ALTER TABLE messages ADD COLUMN subject_folded TEXT;
UPDATE messages SET subject_folded = lower(header_subject) WHERE header_subject IS NOT NULL;

-- A message found by its Message-ID header (the caller's own id for it).
CREATE INDEX messages_by_message_id ON messages (header_message_id);

-- One row per tag, in the order given; a message has each tag once.
CREATE TABLE message_tags (
  message_id TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  tag        TEXT    NOT NULL,
  PRIMARY KEY (message_id, position),
  UNIQUE (message_id, tag)
) STRICT;

-- tag= searches: the messages carrying a tag.
CREATE INDEX message_tags_by_tag ON message_tags (tag, message_id);
