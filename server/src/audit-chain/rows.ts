/** An audit event as read back from PostgreSQL by the sealer and the verifier (one shape for both). */
import type { ChainEventContent } from '../domain/audit-chain.js';

/** The columns of an event's stored content, as `AuditEventRow` names them. */
export const EVENT_COLUMNS = `id::text AS id, project_id, actor_id, actor_kind, actor_name, action, entity, entity_id,
  before, after, device, created_at`;

/** An audit_events row as the sealer and the verifier read it. */
export interface AuditEventRow {
  id: string;
  project_id: string | null;
  actor_id: string | null;
  actor_kind: string;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  device: string | null;
  created_at: Date;
}

/** The stored content of an event as the chain hashes it (the verifier reads the same shape). */
export function eventContent(row: AuditEventRow): ChainEventContent {
  return {
    id: row.id,
    projectId: row.project_id,
    actorId: row.actor_id,
    actorKind: row.actor_kind,
    actorName: row.actor_name,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    device: row.device,
    createdAt: row.created_at,
  };
}
