-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "chain_hash" BYTEA,
ADD COLUMN     "chain_prev_id" BIGINT,
ADD COLUMN     "chain_seq" BIGINT,
ADD COLUMN     "sealed_at" TIMESTAMPTZ(3);

-- Hand-written (issue 15, tamper-evident audit; docs/audit.md). Each project's events form a hash
-- chain, sealed after commit by server/src/audit-chain/sealer.ts — never inside the writing
-- transaction, so a confirm takes no per-project lock and reads no previous hash.

-- One position per chain: a project's events, and the install's events (no project). Partial: an
-- insert (unsealed) touches neither index.
CREATE UNIQUE INDEX "audit_events_chain" ON "audit_events"("project_id", "chain_seq") WHERE "chain_seq" IS NOT NULL;
CREATE UNIQUE INDEX "audit_events_install_chain" ON "audit_events"("chain_seq") WHERE "project_id" IS NULL AND "chain_seq" IS NOT NULL;

-- What the sealer has still to seal, oldest first (a handful of rows between two seals).
CREATE INDEX "audit_events_unsealed" ON "audit_events"("id") WHERE "chain_seq" IS NULL;

-- The append-only rule (source: server/src/audit-chain/sql/audit-append-only.sql).
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
