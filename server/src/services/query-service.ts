/** Read models: the live snapshot and recent deals of a project (the audit log: audit-log-service.ts). */
import {
  broadcastName,
  type DealInfo,
  type LockResult,
  type ProjectCatalog,
  type ProjectSnapshot,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { UnitMirror } from '../selling/mirror.js';
import type { Principal } from '../domain/principal.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import type { ProjectDirectory } from './project-directory.js';
import { toUnitState } from './unit-view.js';

/** How long a snapshot may be handed out again while nothing has changed, ms. */
const SNAPSHOT_REUSE_MS = 250;

export class QueryService {
  private readonly snapshots = new Map<string, { version: string; snapshot: ProjectSnapshot; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
  ) {}

  async catalog(principal: Principal, projectId: string): Promise<ProjectCatalog> {
    await this.directory.assertAccess(principal, projectId);
    return (await this.directory.getCatalog(projectId)).catalog;
  }

  /**
   * Every unit's live status with the seq it reflects (consistent: one atomic Redis read).
   * A reconnect storm (hundreds of screens joining at once) shares one snapshot per change: while
   * the seq and paused flag are unchanged, the snapshot built moments ago is still exact (only
   * lock countdowns age, by at most SNAPSHOT_REUSE_MS).
   */
  async snapshot(principal: Principal, projectId: string): Promise<ProjectSnapshot> {
    await this.directory.assertAccess(principal, projectId);
    const cached = this.snapshots.get(projectId);
    if (cached && Date.now() - cached.at < SNAPSHOT_REUSE_MS) {
      if ((await this.mirror.version(projectId)) === cached.version) return cached.snapshot;
    }
    const version = await this.mirror.version(projectId);
    const entry = await this.directory.getCatalog(projectId);
    let snap = await this.mirror.snapshot(projectId);
    if (!snap.ready) {
      await this.keeper.rebuild(projectId);
      snap = await this.mirror.snapshot(projectId);
    }
    const units = entry.catalog.units.map((u) =>
      toUnitState(u, snap.units.get(u.id), snap.locks.get(u.id), snap.nowMs),
    );
    const snapshot: ProjectSnapshot = {
      projectId,
      seq: snap.seq,
      paused: snap.paused,
      serverTime: new Date(snap.nowMs).toISOString(),
      units,
    };
    // Reusable only if nothing changed between reading the version and the snapshot.
    if (snap.ready && (await this.mirror.version(projectId)) === version) {
      this.snapshots.set(projectId, { version, snapshot, at: Date.now() });
    }
    return snapshot;
  }

  /** The caller's live locks with their tokens (so another device of the same consultant can act). */
  async myLocks(principal: Principal, projectId: string): Promise<LockResult[]> {
    await this.directory.assertAccess(principal, projectId);
    if (principal.kind !== 'user') return [];
    const snap = await this.mirror.snapshot(projectId);
    return [...snap.locks]
      .filter(([, lock]) => lock.h === principal.id && lock.e > snap.nowMs)
      .map(([unitId, lock]) => ({
        unitId,
        token: lock.t,
        expiresAt: new Date(lock.e).toISOString(),
        ttlMs: lock.e - snap.nowMs,
      }));
  }

  async deals(principal: Principal, projectId: string, limit: number): Promise<DealInfo[]> {
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.subscription.findMany({
      where: { projectId, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: {
        id: true,
        unitId: true,
        buyerName: true,
        price: true,
        createdAt: true,
        unit: { select: { code: true } },
        consultant: { select: { displayName: true } },
      },
    });
    return rows.map((r) => ({
      subscriptionId: r.id,
      unitId: r.unitId,
      unitCode: r.unit.code,
      buyer: broadcastName(r.buyerName),
      consultant: r.consultant.displayName,
      price: Number(r.price),
      at: r.createdAt.toISOString(),
    }));
  }
}
