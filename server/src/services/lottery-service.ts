/**
 * The lottery draw flow 摇号 (docs/lottery.md, algorithm in shared/src/lottery.ts):
 * 1. commit — a manager freezes the eligible registrations (their labels R0001… are the entries) and
 *    the server draws a secret 32-byte seed; both commitments are stored and published at once;
 * 2. draw — the seed is revealed and the order computed (`drawOrder`), once: a repeated or
 *    concurrent draw answers the same result; the project's screens get `lottery:drawn`;
 * 3. publish — the public record (no login) and a PDF of the result.
 *
 * Public entropy (a number announced on site) is NOT mixed in: `kaipan-lottery-v1` defines the order
 * as a function of the committed seed alone, and a v2 would have to be specified, documented and
 * reimplemented by verifiers first.
 */
import { randomBytes } from 'node:crypto';
import {
  AppError,
  LOTTERY_VERSION,
  drawOrder,
  formatRegistrationNo,
  listCommitment,
  seedCommitment,
  type CreateLotteryInput,
  type LotteryDrawInfo,
  type LotteryDrawSummary,
  type LotteryDrawnEvent,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { FontOptions } from '../documents/fonts.js';
import { RenderPool } from '../jobs/render-pool.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';
import { SINCERITY_HELD_WHERE } from './registration-service.js';

const drawInclude = { project: { select: { code: true, name: true, nameEn: true, timezone: true } } } as const;
type DrawRow = Prisma.LotteryDrawGetPayload<{ include: typeof drawInclude }>;

/** Rendered result PDFs kept in memory (drawn results never change). */
const PDF_CACHE_MAX = 20;

function strings(value: Prisma.JsonValue | null): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}

/** The public view: the seed and the order only once drawn. */
export function toLotteryDrawInfo(row: DrawRow): LotteryDrawInfo {
  const drawn = row.status === 'DRAWN';
  return {
    id: row.id,
    projectId: row.projectId,
    projectCode: row.project.code,
    projectName: row.project.name,
    projectNameEn: row.project.nameEn,
    timezone: row.project.timezone,
    title: row.title,
    status: row.status,
    version: LOTTERY_VERSION,
    entries: strings(row.entries) ?? [],
    listCommitment: row.listCommitment,
    seedCommitment: row.seedCommitment,
    committedAt: row.committedAt.toISOString(),
    seed: drawn ? row.seed : null,
    order: drawn ? strings(row.order) : null,
    drawnAt: drawn && row.drawnAt ? row.drawnAt.toISOString() : null,
  };
}

export class LotteryService {
  private readonly listeners: Array<(event: LotteryDrawnEvent) => void> = [];
  private readonly pdfs = new Map<string, Buffer>();
  /** Renders in flight, so a burst of requests for one draw renders it once. */
  private readonly rendering = new Map<string, Promise<Buffer>>();
  /** PDF drawing costs ~0.3 s of CPU: it runs in the documents render thread, never on this event loop. */
  private readonly renderer: RenderPool;

  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    fonts: FontOptions = {},
  ) {
    this.renderer = new RenderPool(fonts);
  }

  /** Called once per draw, after it committed (the hub broadcasts `lottery:drawn`). */
  onDrawn(listener: (event: LotteryDrawnEvent) => void): void {
    this.listeners.push(listener);
  }

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers run lotteries.');
    return principal;
  }

  /**
   * Freeze the eligible list and commit to a new secret seed. Serialised per project (advisory
   * lock) so that a repeated request with the same idempotency key finds the first one's draw.
   */
  async create(principal: Principal, projectId: string, body: CreateLotteryInput): Promise<LotteryDrawInfo> {
    const user = await this.authorize(principal, projectId);
    const row = await this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`kaipan:lottery:${projectId}`}, 0))`;
      if (body.idempotencyKey) {
        const earlier = await tx.auditEvent.findFirst({
          where: {
            projectId,
            action: 'lottery.create',
            after: { path: ['idempotencyKey'], equals: body.idempotencyKey },
          },
          select: { entityId: true },
        });
        if (earlier) return tx.lotteryDraw.findUniqueOrThrow({ where: { id: earlier.entityId }, include: drawInclude });
      }
      const registrations = await tx.registration.findMany({
        // With the deposit: derived from the cashier's payments, like RegistrationInfo.depositPaid.
        where: {
          projectId,
          status: 'ACTIVE',
          ...(body.eligible === 'ACTIVE_WITH_DEPOSIT' ? { payments: { some: SINCERITY_HELD_WHERE } } : {}),
        },
        select: { number: true },
      });
      if (registrations.length === 0) {
        throw new AppError(
          'INVALID_TRANSITION',
          body.eligible === 'ACTIVE_WITH_DEPOSIT'
            ? 'No active registration with a paid deposit to draw.'
            : 'No active registration to draw.',
        );
      }
      const labels = registrations.map((r) => formatRegistrationNo(r.number));
      const entries = [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // canonical order (code units)
      const seed = randomBytes(32).toString('hex');
      const created = await tx.lotteryDraw.create({
        data: {
          projectId,
          title: body.title,
          entries,
          listCommitment: listCommitment(entries),
          seedCommitment: seedCommitment(seed),
          seed,
          createdById: user.id,
        },
        include: drawInclude,
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'lottery.create',
          entity: 'lottery',
          entityId: created.id,
          after: {
            title: created.title,
            eligible: body.eligible,
            entryCount: entries.length,
            listCommitment: created.listCommitment,
            seedCommitment: created.seedCommitment,
            ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
          },
        }),
      });
      return created;
    });
    return toLotteryDrawInfo(row);
  }

  async list(principal: Principal, projectId: string): Promise<LotteryDrawSummary[]> {
    await this.authorize(principal, projectId);
    const rows = await this.db.lotteryDraw.findMany({
      where: { projectId },
      include: drawInclude,
      orderBy: { committedAt: 'desc' },
      take: 100,
    });
    return rows.map((row) => {
      const { entries, order: _order, ...rest } = toLotteryDrawInfo(row);
      return { ...rest, entryCount: entries.length };
    });
  }

  /**
   * The project's most recently drawn lottery, as its public record (null before the first draw).
   * Any member or device of the project may read it — a board that starts after the broadcast
   * shows the result from here; the record is public anyway, the project scope only keeps one
   * project's screens from enumerating another's draws.
   */
  async latestDrawn(principal: Principal, projectId: string): Promise<LotteryDrawInfo | null> {
    await this.directory.assertAccess(principal, projectId);
    const row = await this.db.lotteryDraw.findFirst({
      where: { projectId, status: 'DRAWN' },
      include: drawInclude,
      orderBy: [{ drawnAt: 'desc' }, { committedAt: 'desc' }],
    });
    return row ? toLotteryDrawInfo(row) : null;
  }

  /** Public (no login): the draw's record; seed and order only once drawn. */
  async getPublic(drawId: string): Promise<LotteryDrawInfo> {
    const row = await this.db.lotteryDraw.findUnique({ where: { id: drawId }, include: drawInclude });
    if (!row) throw new AppError('NOT_FOUND', 'Lottery not found.');
    return toLotteryDrawInfo(row);
  }

  /**
   * Reveal the seed and compute the order. Row-locked: of concurrent calls one draws (one audit
   * event, one broadcast), the others wait and answer the same result.
   */
  async draw(principal: Principal, drawId: string): Promise<LotteryDrawInfo> {
    const found = await this.db.lotteryDraw.findUnique({ where: { id: drawId }, select: { projectId: true } });
    if (!found) throw new AppError('NOT_FOUND', 'Lottery not found.');
    const user = await this.authorize(principal, found.projectId);
    const { row, drawnNow } = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM lottery_draws WHERE id = ${drawId}::uuid FOR UPDATE`;
      const current = await tx.lotteryDraw.findUniqueOrThrow({ where: { id: drawId }, include: drawInclude });
      if (current.status === 'DRAWN') return { row: current, drawnNow: false };
      const entries = strings(current.entries) ?? [];
      // Re-check the stored commitments before revealing: a row edited by hand must not be drawn.
      if (
        listCommitment(entries) !== current.listCommitment ||
        seedCommitment(current.seed) !== current.seedCommitment
      ) {
        throw new AppError('CONFLICT', 'The stored list or seed no longer matches its commitment.');
      }
      const order = drawOrder(entries, current.seed);
      const updated = await tx.lotteryDraw.update({
        where: { id: drawId },
        data: { status: 'DRAWN', order, drawnAt: new Date() },
        include: drawInclude,
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: found.projectId,
          actor: user,
          action: 'lottery.draw',
          entity: 'lottery',
          entityId: drawId,
          before: { status: 'COMMITTED' },
          after: { status: 'DRAWN', seed: current.seed, entryCount: entries.length, first: order.slice(0, 10) },
        }),
      });
      return { row: updated, drawnNow: true };
    });
    const info = toLotteryDrawInfo(row);
    if (drawnNow && info.order && info.drawnAt) {
      const event: LotteryDrawnEvent = {
        projectId: info.projectId,
        drawId: info.id,
        title: info.title,
        order: info.order,
        drawnAt: info.drawnAt,
      };
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A broadcast failure must not fail the committed draw; screens also read the public record.
        }
      }
    }
    return info;
  }

  /**
   * The result as an A4 PDF (public). Only drawn results are printed; they never change, so the
   * bytes are kept in memory for the last few draws. `origin` makes the verification URL absolute.
   * Rendered here on demand rather than through the BullMQ `documents` queue: a result is asked for
   * rarely, by people waiting for it, and the render thread already keeps the CPU off the event loop.
   */
  async resultPdf(drawId: string, origin: string): Promise<Buffer> {
    const key = `${drawId} ${origin}`;
    const hit = this.pdfs.get(key);
    if (hit) {
      this.pdfs.delete(key);
      this.pdfs.set(key, hit); // most recently used last
      return hit;
    }
    const draw = await this.getPublic(drawId);
    if (draw.status !== 'DRAWN') throw new AppError('INVALID_TRANSITION', 'The lottery has not been drawn yet.');
    let pending = this.rendering.get(key);
    if (!pending) {
      const { rehearsal } = await this.directory.getProject(draw.projectId);
      pending = this.renderer
        .renderLotteryResult({ draw, origin, ...(rehearsal ? { rehearsal } : {}) })
        .finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    const pdf = await pending;
    this.pdfs.set(key, pdf);
    while (this.pdfs.size > PDF_CACHE_MAX) {
      const oldest = this.pdfs.keys().next().value;
      if (oldest === undefined) break;
      this.pdfs.delete(oldest);
    }
    return pdf;
  }

  async close(): Promise<void> {
    await this.renderer.close();
  }
}
