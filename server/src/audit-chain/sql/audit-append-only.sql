-- The audit trail is append-only, for every role that does not disable the trigger with DDL (the
-- application's own role included): a row can be inserted, and sealed once — the sealer
-- (server/src/audit-chain/sealer.ts) sets chain_seq, chain_hash, chain_prev_id and sealed_at of an
-- unsealed row, changing nothing else. Any other UPDATE, every DELETE and TRUNCATE are refused.
-- What a role that can disable the trigger could still do, and what catches it: docs/audit.md.
-- Source of the current definitions: prisma/migrations/20261207173857_audit_chain; checked against
-- it by server/src/selling/sql-sources.test.ts.

CREATE OR REPLACE FUNCTION kaipan_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'KA001',
      HINT = 'Audit events are never changed or removed; record a new event instead (docs/audit.md).';
END;
$$;

-- Every UPDATE but the seal. The condition is the trigger's WHEN clause, evaluated without calling
-- the function: the sealer's thousands of updates a second cost no PL/pgSQL call. The seal is
-- allowed once, complete, changing no other column (test/audit-chain.test.ts checks this list
-- against the table's columns, so a column added later cannot slip out of it).
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
  FOR EACH ROW WHEN (NOT (
    OLD.chain_seq IS NULL
    AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash IS NOT NULL AND NEW.sealed_at IS NOT NULL
    AND (NEW.id, NEW.project_id, NEW.actor_id, NEW.actor_kind, NEW.actor_name, NEW.action, NEW.entity,
         NEW.entity_id, NEW.before, NEW.after, NEW.device, NEW.created_at)
      IS NOT DISTINCT FROM
        (OLD.id, OLD.project_id, OLD.actor_id, OLD.actor_kind, OLD.actor_name, OLD.action, OLD.entity,
         OLD.entity_id, OLD.before, OLD.after, OLD.device, OLD.created_at)
  ))
  EXECUTE FUNCTION kaipan_audit_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION kaipan_audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION kaipan_audit_append_only();
