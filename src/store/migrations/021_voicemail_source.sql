-- Where each voicemail came from: an upload (api), a SIP mailbox (sip-mailbox), voicemail-to-email (smtp), a
-- watched spool folder (folder), or a message taken by a live agent (call). Rows from before are uploads, except
-- those a call links to.
ALTER TABLE voicemails ADD COLUMN source TEXT NOT NULL DEFAULT 'api'
  CHECK (source IN ('api', 'sip-mailbox', 'smtp', 'folder', 'call'));
UPDATE voicemails SET source = 'call' WHERE id IN (SELECT voicemail_id FROM calls WHERE voicemail_id IS NOT NULL);
CREATE INDEX voicemails_source ON voicemails (source, id);
