/**
 * The live mirror of unit status in Redis, the short locks and the per-project change log.
 * PostgreSQL stays the system of record; everything here can be rebuilt from it (DESIGN.md §lock; server/src/selling/README.md).
 *
 * Key layout, all under one hash tag per project so scripts never cross a cluster slot:
 *   {p}:units    hash  unitId → "STATUS|version|price"
 *   {p}:ready    set once the mirror has been built
 *   {p}:paused   '1' | '0'
 *   {p}:seq      change sequence (broadcast order);  {p}:fence  fencing-token counter
 *   {p}:log      stream of changes (field u: unit change JSON, p: project change JSON)
 *   {p}:lockexp  zset "unitId|holderId|token" → expiry ms
 *   {p}:lock:<unitId>   JSON {t token, h holderId, n holderName, e expiresAt ms, c confirming} PX ttl
 *   {p}:held:<userId>   set of unitIds the user has locked (lock-limit count)
 *   {p}:reg:<registrationId>  set of unitIds locked for a registered buyer (entitlement count)
 *   {p}:rel:<token>     marker of a released token (idempotent release), 10 min
 */
import type { Redis } from 'ioredis';
import type { DealInfo, ErrorCode, StoredUnitStatus, UnitStatus } from '@kaipan/shared';
import { scripts } from './scripts.js';

export interface MirrorKeys {
  units: string;
  ready: string;
  paused: string;
  seq: string;
  fence: string;
  log: string;
  lockexp: string;
  lockPrefix: string;
  heldPrefix: string;
  releasedPrefix: string;
  regPrefix: string;
}

export interface RawLock {
  /** fencing token */
  t: string;
  /** holder user id */
  h: string;
  /** holder display name */
  n: string;
  /** expiry, epoch ms */
  e: number;
  /** set while a confirm is being committed */
  c?: 1;
  /** the registration (buyer) the lock was taken for */
  r?: string;
}

export interface MirrorUnit {
  status: StoredUnitStatus;
  version: number;
  price?: number;
}

/** A unit change as written to the log by the scripts (times in epoch ms). */
export interface RawUnitChange {
  seq: number;
  unitId: string;
  status: UnitStatus;
  lock?: { holderId: string; holderName: string; expiresAt: number };
  price?: number;
  deal?: DealInfo;
  at: number;
}

export interface RawProjectChange {
  paused: boolean;
  resync?: boolean;
}

export type LogEntry =
  | { kind: 'unit'; projectId: string; change: RawUnitChange }
  | { kind: 'project'; projectId: string; change: RawProjectChange };

/** Mirror-level failure codes: the registered ErrorCodes plus MIRROR_MISSING (rebuild, then retry). */
export type MirrorFailure = ErrorCode | 'MIRROR_MISSING';
export type MirrorResult<T> = { ok: true; value: T } | { ok: false; code: MirrorFailure };

export interface LockGrant {
  token: string;
  expiresAt: number;
  ttlMs: number;
  isNew: boolean;
}

export interface StoredChange {
  unitId: string;
  status: StoredUnitStatus;
  version: number;
  price?: number;
  deal?: DealInfo;
  /** The confirming lock's token: that lock is consumed by the change, not revoked. */
  token?: string;
}

/** A lock removed because its unit left AVAILABLE underneath it. */
export interface RevokedLock {
  unitId: string;
  holderId: string;
  token: string;
}

function triples(flat: string[]): RevokedLock[] {
  const out: RevokedLock[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3)
    out.push({ unitId: flat[i]!, holderId: flat[i + 1]!, token: flat[i + 2]! });
  return out;
}

export interface MirrorSnapshot {
  seq: number;
  paused: boolean;
  ready: boolean;
  nowMs: number;
  units: Map<string, MirrorUnit>;
  locks: Map<string, RawLock>;
}

/** The log keeps about this many changes per project (older ones are trimmed). */
const LOG_MAX_LEN = 20_000;

function parseUnitValue(value: string): MirrorUnit {
  const [status, version, price] = value.split('|');
  const unit: MirrorUnit = { status: status as StoredUnitStatus, version: Number(version) };
  if (price) unit.price = Number(price);
  return unit;
}

function parseReply(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map((x) => String(x)) : [String(reply)];
}

export class UnitMirror {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  keys(projectId: string): MirrorKeys {
    const base = `${this.prefix}{${projectId}}:`;
    return {
      units: `${base}units`,
      ready: `${base}ready`,
      paused: `${base}paused`,
      seq: `${base}seq`,
      fence: `${base}fence`,
      log: `${base}log`,
      lockexp: `${base}lockexp`,
      lockPrefix: `${base}lock:`,
      heldPrefix: `${base}held:`,
      releasedPrefix: `${base}rel:`,
      regPrefix: `${base}reg:`,
    };
  }

  /** The project id of a log stream key. */
  projectOfLogKey(key: string): string | null {
    const match = /\{([^}]+)\}:log$/.exec(key);
    return key.startsWith(this.prefix) && match?.[1] ? match[1] : null;
  }

  private scriptKeys(k: MirrorKeys): string[] {
    return [k.units, k.ready, k.paused, k.seq, k.fence, k.log, k.lockexp];
  }

  async lock(
    projectId: string,
    unitId: string,
    holder: { id: string; name: string },
    ttlMs: number,
    maxLocks: number,
    /** The registered buyer the lock is for, and how many more units they may buy. */
    buyer?: { registrationId: string; remaining: number },
  ): Promise<MirrorResult<LockGrant>> {
    const k = this.keys(projectId);
    const reply = parseReply(
      await scripts.lock.run(this.redis, this.scriptKeys(k), [
        unitId,
        holder.id,
        holder.name,
        ttlMs,
        maxLocks,
        LOG_MAX_LEN,
        k.lockPrefix,
        k.heldPrefix,
        buyer?.registrationId ?? '',
        buyer?.remaining ?? 0,
        k.regPrefix,
      ]),
    );
    if (reply[0] !== 'OK') return { ok: false, code: reply[1] as MirrorFailure };
    return {
      ok: true,
      value: { token: reply[1]!, expiresAt: Number(reply[2]), ttlMs: Number(reply[3]), isNew: reply[4] === '1' },
    };
  }

  /** Compare-and-delete. `force` lets a manager release another holder's lock. */
  async release(
    projectId: string,
    unitId: string,
    token: string,
    actorId: string,
    force: boolean,
  ): Promise<MirrorResult<{ released: boolean; holderId: string }>> {
    const k = this.keys(projectId);
    const reply = parseReply(
      await scripts.release.run(this.redis, this.scriptKeys(k), [
        unitId,
        token,
        actorId,
        force ? '1' : '0',
        LOG_MAX_LEN,
        k.lockPrefix,
        k.heldPrefix,
        k.releasedPrefix,
      ]),
    );
    if (reply[0] !== 'OK') return { ok: false, code: reply[1] as MirrorFailure };
    return { ok: true, value: { released: reply[1] === 'RELEASED', holderId: reply[2] ?? '' } };
  }

  async confirmBegin(
    projectId: string,
    unitId: string,
    token: string,
    holderId: string,
    graceMs: number,
  ): Promise<MirrorResult<{ registrationId: string | null }>> {
    const k = this.keys(projectId);
    const reply = parseReply(
      await scripts.confirmBegin.run(this.redis, this.scriptKeys(k), [unitId, token, holderId, graceMs, k.lockPrefix]),
    );
    return reply[0] === 'OK'
      ? { ok: true, value: { registrationId: reply[2] || null } }
      : { ok: false, code: reply[1] as MirrorFailure };
  }

  /**
   * Hold the holder's lock (by token) until at least `untilMs` (never shortened); the new expiry is
   * broadcast. LOCK_EXPIRED when the lock is gone or not theirs; CONFLICT while it is confirming.
   */
  async extend(
    projectId: string,
    unitId: string,
    token: string,
    holderId: string,
    untilMs: number,
  ): Promise<MirrorResult<{ expiresAt: number; ttlMs: number }>> {
    const k = this.keys(projectId);
    const reply = parseReply(
      await scripts.extend.run(this.redis, this.scriptKeys(k), [
        unitId,
        token,
        holderId,
        Math.floor(untilMs),
        LOG_MAX_LEN,
        k.lockPrefix,
        k.heldPrefix,
        k.regPrefix,
      ]),
    );
    if (reply[0] !== 'OK') return { ok: false, code: reply[1] as MirrorFailure };
    return { ok: true, value: { expiresAt: Number(reply[1]), ttlMs: Number(reply[2]) } };
  }

  async confirmAbort(projectId: string, unitId: string, token: string): Promise<void> {
    const k = this.keys(projectId);
    await scripts.confirmAbort.run(this.redis, this.scriptKeys(k), [unitId, token, k.lockPrefix]);
  }

  /** Apply committed PostgreSQL changes: the seq given to each (0 = already applied) and revoked locks. */
  async apply(
    projectId: string,
    changes: readonly StoredChange[],
  ): Promise<{ seqs: number[]; revoked: RevokedLock[] }> {
    if (changes.length === 0) return { seqs: [], revoked: [] };
    const k = this.keys(projectId);
    const [seqs, revoked] = (await scripts.apply.run(this.redis, this.scriptKeys(k), [
      LOG_MAX_LEN,
      k.lockPrefix,
      k.heldPrefix,
      JSON.stringify(changes),
    ])) as [unknown[], unknown[]];
    return { seqs: seqs.map(Number), revoked: triples(revoked.map(String)) };
  }

  /** Broadcast lapsed locks; returns what expired. */
  async sweep(projectId: string, limit = 500): Promise<RevokedLock[]> {
    const k = this.keys(projectId);
    const flat = parseReply(
      await scripts.sweep.run(this.redis, this.scriptKeys(k), [LOG_MAX_LEN, k.lockPrefix, k.heldPrefix, limit]),
    ).filter((x) => x !== '');
    return triples(flat);
  }

  async snapshot(projectId: string): Promise<MirrorSnapshot> {
    const k = this.keys(projectId);
    const reply = (await scripts.snapshot.run(this.redis, this.scriptKeys(k), [k.lockPrefix])) as [
      string,
      string,
      number,
      string[],
      string[],
      string,
    ];
    const [seq, paused, ready, unitFlat, lockFlat, nowMs] = reply;
    const units = new Map<string, MirrorUnit>();
    for (let i = 0; i + 1 < unitFlat.length; i += 2) units.set(unitFlat[i]!, parseUnitValue(unitFlat[i + 1]!));
    const locks = new Map<string, RawLock>();
    for (let i = 0; i + 1 < lockFlat.length; i += 2) locks.set(lockFlat[i]!, JSON.parse(lockFlat[i + 1]!) as RawLock);
    return { seq: Number(seq), paused: paused === '1', ready: Number(ready) === 1, nowMs: Number(nowMs), units, locks };
  }

  /**
   * Merge PostgreSQL rows into the mirror, apply the paused flag if newer, raise the counters (see
   * mirror-keeper.ts) and mark the mirror ready. Screens are told to resync when anything
   * they may hold changed.
   * - `floors.seq`, `floors.fence`: values known to have been issued (the highest seq seen, the
   *   highest lock token in PostgreSQL); a counter below its floor is raised in any case.
   * - `floors.ifLost`: applied only when Redis may have lost the counters — the mirror was not ready,
   *   or the Redis server restarted since it was marked ready. A rebuild while Redis kept them (a hub
   *   process starting) leaves them where they are: a jump would look to every screen like lost changes.
   */
  async rebuild(
    projectId: string,
    rows: readonly { id: string; status: StoredUnitStatus; version: number; price: number | null }[],
    paused: { paused: boolean; version: number },
    floors: { ifLost: number; seq: number; fence: number },
  ): Promise<{ countersRaised: boolean; changed: number }> {
    const k = this.keys(projectId);
    const packed = rows.map((r) => [r.id, r.status, r.version, r.price === null ? '' : String(r.price)]);
    const [raised, changed] = (await scripts.rebuild.run(this.redis, this.scriptKeys(k), [
      paused.paused ? '1' : '0',
      paused.version,
      floors.ifLost,
      JSON.stringify(packed),
      LOG_MAX_LEN,
      k.lockPrefix,
      k.heldPrefix,
      floors.seq,
      floors.fence,
    ])) as [number, number];
    return { countersRaised: Number(raised) === 1, changed: Number(changed) };
  }

  /** Set the paused flag if `version` is newer than the mirror's; true when applied. */
  async setPaused(projectId: string, paused: boolean, version: number): Promise<boolean> {
    const k = this.keys(projectId);
    return (
      Number(
        await scripts.setPaused.run(this.redis, this.scriptKeys(k), [paused ? '1' : '0', version, LOG_MAX_LEN]),
      ) === 1
    );
  }

  /** The change seq and raw paused flag: one cheap read to tell whether a snapshot is still current. */
  async version(projectId: string): Promise<string> {
    const k = this.keys(projectId);
    const [seq, paused] = await this.redis.mget(k.seq, k.paused);
    return `${seq ?? ''}/${paused ?? ''}`;
  }

  async isReady(projectId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(projectId).ready)) === 1;
  }

  /** Lock held on a unit right now, if any. */
  async getLock(projectId: string, unitId: string): Promise<RawLock | null> {
    const raw = await this.redis.get(`${this.keys(projectId).lockPrefix}${unitId}`);
    return raw ? (JSON.parse(raw) as RawLock) : null;
  }

  /** Parse an XREAD reply into log entries. */
  parseLog(reply: [string, [string, string[]][]][] | null): { entries: LogEntry[]; lastIds: Map<string, string> } {
    const entries: LogEntry[] = [];
    const lastIds = new Map<string, string>();
    for (const [key, messages] of reply ?? []) {
      const projectId = this.projectOfLogKey(key);
      if (!projectId) continue;
      for (const [id, fields] of messages) {
        lastIds.set(key, id);
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const field = fields[i];
          const json = fields[i + 1]!;
          if (field === 'u') entries.push({ kind: 'unit', projectId, change: JSON.parse(json) as RawUnitChange });
          else if (field === 'p')
            entries.push({ kind: 'project', projectId, change: JSON.parse(json) as RawProjectChange });
        }
      }
    }
    return { entries, lastIds };
  }
}
