/**
 * The kiosk PIN that protects a queue kiosk's setup screen (shared/src/kiosk-setup.ts).
 *
 * Why a PIN per project, verified here, rather than a manager signing in on the kiosk: the setup
 * screen is opened by whoever looks after the kiosks on launch morning (often not a manager), on a
 * public touch screen in view of the queue. A manager's password typed there would be watched, and
 * it opens far more than the kiosk. A kiosk PIN opens only the setup of the project's kiosks; a
 * manager changes it in a second if it leaks. It is stored hashed (scrypt, like passwords), checked
 * by the server for the device key that asks (the device never holds it), throttled per device
 * (server/src/domain/kiosk-pin.ts) and every attempt is audited.
 *
 * Throttle state lives in Redis (`<prefix>kiosk-pin:<deviceId>`: failures in a row and the instant
 * the device may try again), shared by every server process; one attempt per device is verified at
 * a time (`…:busy`), so parallel guesses cannot slip past the count.
 */
import type { Redis } from 'ioredis';
import {
  AppError,
  type KioskSetupBody,
  type KioskSetupRefusal,
  type KioskSetupResult,
  type ProjectSummary,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import { KIOSK_PIN_MEMORY_MS, kioskPinAttemptsBeforeWait, kioskPinWaitMs } from '../domain/kiosk-pin.js';
import { canManage, type Principal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';
import { lockEditableProject } from './editable-project.js';

/** Longest a verification may hold the device's one-at-a-time guard (scrypt takes ~50 ms). */
const BUSY_MS = 10_000;

export class KioskSetupService {
  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly directory: ProjectDirectory,
  ) {}

  private key(deviceId: string): string {
    return `${this.prefix}kiosk-pin:${deviceId}`;
  }

  /** Set or change the project's kiosk PIN (managers; audited, the PIN never). Wrong-PIN waits start over. */
  async setPin(principal: Principal, projectId: string, pin: string): Promise<ProjectSummary> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers set the kiosk PIN.');
    const hash = await hashPassword(pin);
    const devices = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const rows = await tx.$queryRaw<{ kiosk_pin_hash: string | null }[]>`
        SELECT kiosk_pin_hash FROM projects WHERE id = ${projectId}::uuid`;
      await tx.project.update({ where: { id: projectId }, data: { kioskPinHash: hash } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: principal,
          action: 'project.kiosk-pin',
          entity: 'project',
          entityId: projectId,
          before: { kioskPinSet: rows[0]?.kiosk_pin_hash != null },
          after: { kioskPinSet: true },
        }),
      });
      return tx.device.findMany({ where: { projectId, kind: 'KIOSK' }, select: { id: true } });
    });
    if (devices.length > 0) await this.redis.del(...devices.map((d) => this.key(d.id)));
    this.directory.invalidate(projectId);
    return this.directory.getProject(projectId);
  }

  /**
   * POST /api/kiosk/setup: the PIN typed on a kiosk's setup screen, and what for. Answers the action
   * when the PIN is right; otherwise INVALID_CREDENTIALS (wrong), RATE_LIMITED (too many wrong: wait),
   * FORBIDDEN (not a kiosk, or no PIN set yet). Every answer but a malformed request is audited.
   */
  async setup(principal: Principal, body: KioskSetupBody): Promise<KioskSetupResult> {
    if (principal.kind !== 'device' || principal.deviceKind !== 'KIOSK') {
      throw new AppError('FORBIDDEN', 'Only a queue kiosk has a setup screen.');
    }
    const key = this.key(principal.id);
    const busyKey = `${key}:busy`;
    if ((await this.redis.set(busyKey, '1', 'PX', BUSY_MS, 'NX')) !== 'OK') {
      throw new AppError('RATE_LIMITED', 'One PIN at a time.', { retryAfterSeconds: 1 } satisfies KioskSetupRefusal);
    }
    try {
      const now = Date.now();
      const state = await this.redis.hgetall(key);
      const failures = Number(state.failures ?? 0);
      const until = Number(state.until ?? 0);
      if (until > now) {
        const retryAfterSeconds = Math.ceil((until - now) / 1000);
        throw new AppError('RATE_LIMITED', `Too many wrong PINs: try again in ${retryAfterSeconds} s.`, {
          retryAfterSeconds,
          attemptsBeforeWait: 0,
        } satisfies KioskSetupRefusal);
      }
      const project = await this.db.project.findUnique({
        where: { id: principal.projectId },
        select: { kioskPinHash: true },
      });
      if (!project?.kioskPinHash) {
        await this.audit(principal, 'device.setup.refused', { action: body.action, reason: 'no-pin' });
        throw new AppError(
          'FORBIDDEN',
          'No kiosk PIN is set for this project: a manager sets it on the manager page.',
          {
            kioskPinSet: false,
          } satisfies KioskSetupRefusal,
        );
      }
      if (!(await verifyPassword(body.pin, project.kioskPinHash))) {
        const count = failures + 1;
        const waitMs = kioskPinWaitMs(count);
        await this.redis
          .multi()
          .hset(key, 'failures', String(count), 'until', String(waitMs > 0 ? now + waitMs : 0))
          .pexpire(key, KIOSK_PIN_MEMORY_MS)
          .exec();
        await this.audit(principal, 'device.setup.refused', {
          action: body.action,
          reason: 'wrong-pin',
          failures: count,
          waitSeconds: waitMs / 1000,
        });
        throw new AppError('INVALID_CREDENTIALS', 'Wrong kiosk PIN.', {
          attemptsBeforeWait: kioskPinAttemptsBeforeWait(count),
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        } satisfies KioskSetupRefusal);
      }
      if (failures > 0) await this.redis.del(key);
      await this.audit(principal, 'device.setup', { action: body.action });
      return { action: body.action };
    } finally {
      await this.redis.del(busyKey);
    }
  }

  private async audit(principal: Principal & { kind: 'device' }, action: string, after: object): Promise<void> {
    await this.db.auditEvent.create({
      data: toAuditRow({
        projectId: principal.projectId,
        actor: principal,
        action,
        entity: 'device',
        entityId: principal.id,
        after,
      }),
    });
  }
}
