-- The audit trail is append-only, for every role that does not disable the trigger with DDL (the
-- application's own role included): a row can be inserted, and sealed once — the sealer
-- (server/src/audit-chain/sealer.ts) sets chain_seq, chain_hash, chain_prev_id and sealed_at of an
-- unsealed row, changing nothing else. Any other UPDATE, every DELETE and TRUNCATE are refused.
-- What a role that can disable the trigger could still do, and what catches it: docs/audit.md.
-- Source of the current definitions: prisma/migrations/20261207173857_audit_chain; checked against
-- it by server/src/selling/sql-sources.test.ts.

CREATE OR REPLACE FUNCTION kaipan_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    -- The seal: once, complete, and nothing but the seal columns changes (compared as whole rows,
    -- so a column added later is protected without editing this function).
    IF OLD.chain_seq IS NULL
      AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash IS NOT NULL AND NEW.sealed_at IS NOT NULL
      AND to_jsonb(NEW) - ARRAY['chain_seq', 'chain_hash', 'chain_prev_id', 'sealed_at']
        = to_jsonb(OLD) - ARRAY['chain_seq', 'chain_hash', 'chain_prev_id', 'sealed_at']
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'KA001',
      HINT = 'Audit events are never changed or removed; record a new event instead (docs/audit.md).';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION kaipan_audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION kaipan_audit_append_only();
