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
  IF TG_OP = 'UPDATE' THEN
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
