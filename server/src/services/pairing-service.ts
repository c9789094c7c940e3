/**
 * Pairing a screen without typing its key (shared/src/devices.ts): a short-lived pending pairing in
 * Redis, one small hash per code, `<prefix>pairing:<code>`:
 *
 *   waiting  — the screen asked: its kind, the SHA-256 of its secret (the secret itself only the
 *              screen holds; the QR code carries the code, never the secret or a key)
 *   approved — a manager approved it: the device exists in PostgreSQL, its key waits here for the
 *              screen's claim (at most APPROVED_TTL_MS)
 *   claimed  — the screen took its key (handed out once); kept until the code expires, so a second
 *              claim or approval answers PAIRING_USED rather than PAIRING_EXPIRED
 *
 * Every step is one compare-and-set on the status (a Lua script), so two managers approving the
 * same code create one device: the loser's transaction (with its device) rolls back.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  AppError,
  PAIRING_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_TTL_SECONDS,
  type ApprovePairingBody,
  type DeviceInfo,
  type PairableKind,
  type PairingClaim,
  type PairingInfo,
  type PendingPairing,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { RedisScript } from '../infra/redis-scripts.js';
import type { Principal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import { createDevice, type DeviceService } from './device-service.js';

/** How long an approved key waits for its screen's claim (the screen polls every ~2 s). */
const APPROVED_TTL_MS = 120_000;

type Status = 'waiting' | 'approved' | 'claimed';

/**
 * KEYS[1] the pairing; ARGV[1] the status expected, ARGV[2] the new one, ARGV[3] a new TTL in ms
 * ('' keeps it), then field/value pairs to set (an empty value deletes the field).
 * Answers 'OK', or the status found (false when the pairing is gone).
 */
const SWAP = new RedisScript(
  'pairing-swap',
  `local status = redis.call('HGET', KEYS[1], 'status')
if status ~= ARGV[1] then return status end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 'OK'`,
);

/** KEYS[1] the pairing; ARGV: TTL s, kind, secret hash, expiry. 1 when created, 0 when the code is taken. */
const CREATE = new RedisScript(
  'pairing-create',
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'waiting', 'kind', ARGV[2], 'secretHash', ARGV[3], 'expiresAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`,
);

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

function newCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/** A code that is gone (expired or never issued) or taken already: the one coded answer for each. */
function refusal(status: string | null): AppError {
  return status === 'approved' || status === 'claimed' ? new AppError('PAIRING_USED') : new AppError('PAIRING_EXPIRED');
}

export class PairingService {
  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly devices: DeviceService,
  ) {}

  private key(code: string): string {
    return `${this.prefix}pairing:${code}`;
  }

  /** A screen without a key asks for a code (the route throttles per address). */
  async start(kind: PairableKind): Promise<PendingPairing> {
    const secret = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + PAIRING_TTL_SECONDS * 1000);
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newCode();
      const created = await CREATE.run(
        this.redis,
        [this.key(code)],
        [PAIRING_TTL_SECONDS, kind, sha256(secret).toString('hex'), expiresAt.toISOString()],
      );
      if (created !== 1) continue; // a live code of another screen: draw again
      return { code, secret, expiresAt: expiresAt.toISOString() };
    }
    throw new AppError('SERVICE_UNAVAILABLE', 'No free pairing code; try again.');
  }

  /** What the manager's phone shows before approving. */
  async show(code: string): Promise<PairingInfo> {
    const p = await this.redis.hgetall(this.key(code));
    if (p.status !== 'waiting') throw refusal(p.status ?? null);
    return { code, kind: p.kind as PairableKind, expiresAt: p.expiresAt ?? new Date().toISOString() };
  }

  /**
   * A manager of the project approves the waiting screen as a named device: the device is created
   * (audited, via pairing) and its key left for the screen's claim, in one step — the transaction
   * commits only if this approval won the code.
   */
  async approve(principal: Principal, code: string, body: ApprovePairingBody): Promise<DeviceInfo> {
    const actor = await this.devices.authorize(principal, body.projectId);
    const { key: _key, ...device } = await this.db.$transaction(async (tx) => {
      const created = await createDevice(tx, actor, { ...body, via: 'pairing' });
      const swapped = await SWAP.run(
        this.redis,
        [this.key(code)],
        [
          'waiting',
          'approved',
          APPROVED_TTL_MS,
          'key',
          created.key,
          'deviceId',
          created.id,
          'projectId',
          body.projectId,
          'kind',
          body.kind,
          'name',
          body.name,
        ],
      );
      if (swapped !== 'OK') throw refusal(typeof swapped === 'string' ? swapped : null);
      return created;
    });
    return device;
  }

  /** The waiting screen's poll: still waiting, or its key (once). A wrong secret is as unknown as an expired code. */
  async claim(code: string, secret: string, device: string | null): Promise<PairingClaim> {
    const p = await this.redis.hgetall(this.key(code));
    if (!p.status || !p.secretHash) throw new AppError('PAIRING_EXPIRED');
    const expected = Buffer.from(p.secretHash, 'hex');
    const given = sha256(secret);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('PAIRING_EXPIRED');
    const status = p.status as Status;
    if (status === 'waiting') return { status: 'waiting', expiresAt: p.expiresAt ?? new Date().toISOString() };
    if (status !== 'approved' || !p.key || !p.projectId) throw refusal(status);
    const swapped = await SWAP.run(this.redis, [this.key(code)], ['approved', 'claimed', '', 'key', '']);
    if (swapped !== 'OK') throw refusal(typeof swapped === 'string' ? swapped : null);
    await this.db.auditEvent.create({
      data: toAuditRow({
        projectId: p.projectId,
        actor: { kind: 'anonymous', device },
        action: 'device.paired',
        entity: 'device',
        entityId: p.deviceId ?? code,
        after: { kind: p.kind, name: p.name, code },
      }),
    });
    return {
      status: 'paired',
      key: p.key,
      kind: p.kind as PairableKind,
      projectId: p.projectId,
      name: p.name ?? '',
    };
  }
}
