/**
 * Devices of a project (shared/src/devices.ts): create (the key shown once), list with last seen,
 * rename, revoke. Managers of the project and administrators; every change audited. A revocation is
 * announced to every process (device-registry.ts), which cut the device's sockets at once.
 */
import { randomBytes } from 'node:crypto';
import { AppError, type CreatedDevice, type DeviceInfo, type DeviceKind } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow, type AuditInput } from './audit.js';
import { hashDeviceKey } from './auth-service.js';
import type { DeviceRegistry } from './device-registry.js';
import type { ProjectDirectory } from './project-directory.js';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

interface DeviceRow {
  id: string;
  projectId: string;
  kind: DeviceKind;
  name: string;
  createdAt: Date;
  lastSeenAt: Date | null;
}

/** A new device key: 32 characters of base64url (192 random bits); only its SHA-256 is stored. */
export function newDeviceKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * THE way a device comes to be (the setup API, pairing and the demo seed): insert it with the hash
 * of its key and audit it, in the caller's transaction. `key` is generated unless given (the demo
 * seed's published keys).
 */
export async function createDevice(
  tx: Pick<Tx, 'device' | 'auditEvent'>,
  actor: AuditInput['actor'],
  input: { projectId: string; kind: DeviceKind; name: string; key?: string; via?: 'pairing' },
): Promise<CreatedDevice> {
  const key = input.key ?? newDeviceKey();
  const row = await tx.device.create({
    data: { projectId: input.projectId, kind: input.kind, name: input.name, keyHash: hashDeviceKey(key) },
  });
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId: input.projectId,
      actor,
      action: 'device.created',
      entity: 'device',
      entityId: row.id,
      after: { kind: row.kind, name: row.name, ...(input.via ? { via: input.via } : {}) },
    }),
  });
  return { ...toInfo(row, null), key };
}

function toInfo(row: DeviceRow, pendingSeen: Date | null): DeviceInfo {
  const lastSeen = pendingSeen && (!row.lastSeenAt || pendingSeen > row.lastSeenAt) ? pendingSeen : row.lastSeenAt;
  return {
    id: row.id,
    projectId: row.projectId,
    kind: row.kind,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: lastSeen?.toISOString() ?? null,
  };
}

export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly registry: DeviceRegistry,
  ) {}

  /** A manager of this project (or an administrator). */
  async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // In the project first (scopes the principal to it: its role there), then the role's grant.
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers set up devices.');
    return principal;
  }

  async list(principal: Principal, projectId: string): Promise<DeviceInfo[]> {
    await this.authorize(principal, projectId);
    const rows = await this.db.device.findMany({
      where: { projectId, active: true },
      orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map((r) => toInfo(r, this.registry.pendingSeen(r.id)));
  }

  async create(
    principal: Principal,
    projectId: string,
    body: { kind: DeviceKind; name: string },
  ): Promise<CreatedDevice> {
    const actor = await this.authorize(principal, projectId);
    return this.db.$transaction((tx) => createDevice(tx, actor, { projectId, ...body }));
  }

  async rename(principal: Principal, deviceId: string, name: string): Promise<DeviceInfo> {
    const before = await this.find(deviceId);
    const actor = await this.authorize(principal, before.projectId);
    const row = await this.db.$transaction(async (tx) => {
      const updated = await tx.device.update({ where: { id: deviceId }, data: { name } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: before.projectId,
          actor,
          action: 'device.renamed',
          entity: 'device',
          entityId: deviceId,
          before: { name: before.name },
          after: { name },
        }),
      });
      return updated;
    });
    return toInfo(row, this.registry.pendingSeen(row.id));
  }

  /**
   * Revoke a device: its key is refused from now on (DEVICE_REVOKED) and its live sockets are cut on
   * every process. Revoking a revoked device answers NOT_FOUND (it is no longer listed).
   */
  async revoke(principal: Principal, deviceId: string): Promise<{ ok: true }> {
    const device = await this.find(deviceId);
    const actor = await this.authorize(principal, device.projectId);
    await this.db.$transaction(async (tx) => {
      // PostgreSQL's clock, as the other processes' poll reads it (device-registry.ts).
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE devices SET active = false, revoked_at = now() WHERE id = ${deviceId}::uuid AND active RETURNING id`;
      if (rows.length === 0) throw new AppError('NOT_FOUND', 'No such device.');
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: device.projectId,
          actor,
          action: 'device.revoked',
          entity: 'device',
          entityId: deviceId,
          before: { kind: device.kind, name: device.name, active: true },
          after: { active: false },
        }),
      });
    });
    await this.registry.announce(deviceId);
    return { ok: true };
  }

  private async find(deviceId: string): Promise<DeviceRow> {
    const row = await this.db.device.findUnique({ where: { id: deviceId } });
    if (!row?.active) throw new AppError('NOT_FOUND', 'No such device.');
    return row;
  }
}
