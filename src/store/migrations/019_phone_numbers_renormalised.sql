-- Phone numbers stored by the old hand-written normalisation, which dropped a leading 0 from every national number
-- outside North America: right for the UK's trunk prefix, wrong where the 0 belongs to the number (Italy's
-- 06 1234 5678 was stored as +39612345678, not +390612345678). repair_legacy_e164 (src/lib/phone.ts, registered by
-- the runner) puts the 0 back only where the stored number is not assigned as it stands and is once repaired;
-- every other value (right numbers, SIP URIs, unreadable text) comes back unchanged.

-- The do-not-call list is matched on the normalised form: an unrepaired entry would no longer stop a call.
UPDATE OR IGNORE dnc_numbers SET number = repair_legacy_e164(number) WHERE number GLOB '+[0-9]*';
-- A number listed under both forms keeps the right one.
DELETE FROM dnc_numbers WHERE number GLOB '+[0-9]*' AND repair_legacy_e164(number) <> number;

-- Notifications and campaign recipients not yet dialled; finished ones keep the number they were dialled at.
UPDATE notifications SET to_number = repair_legacy_e164(to_number)
  WHERE to_number GLOB '+[0-9]*' AND status IN ('pending', 'scheduled');

-- The callback number a voicemail's caller gave.
UPDATE voicemails SET callback_number = repair_legacy_e164(callback_number) WHERE callback_number GLOB '+[0-9]*';
