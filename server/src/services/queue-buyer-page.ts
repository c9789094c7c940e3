/**
 * The buyer's own page (public, opened from the QR code on the queue ticket; the token is the key):
 * number, people ahead, estimated wait, the call and the selection countdown, the buyer's shortlist
 * with live unit status, the units still available per layout, and the ticket PDF.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  AppError,
  CALL_RATE_WINDOW,
  NOW_SERVING_SIZE,
  callingRatePerMinute,
  estimateWaitMinutes,
  type BuyerShortlistUnit,
  type BuyerView,
  type LayoutAvailability,
  type ProjectSnapshot,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { DevicePrincipal } from '../domain/principal.js';
import type { DocumentJobs, DocumentStore, StoredPdf } from '../jobs/documents.js';
import type { ProjectDirectory } from './project-directory.js';
import type { QueryService } from './query-service.js';
import { countWaitingAhead, ticketInclude } from './queue-tickets.js';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Read-only principal scoped to one project, for the public buyer page's live-state reads. */
function buyerPagePrincipal(projectId: string): DevicePrincipal {
  return { kind: 'device', id: 'buyer-page', projectId, deviceKind: 'BOARD', name: 'buyer-page', device: null };
}

export class QueueBuyerPage {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly query: QueryService,
    private readonly documents: { jobs: DocumentJobs; store: DocumentStore },
  ) {}

  /** The ticket behind a buyer-page token, or null (callers answer a bare NOT_FOUND). */
  async resolveToken(token: string): Promise<{ ticketId: string; projectId: string } | null> {
    const t = await this.db.queueTicket.findUnique({ where: { token }, select: { id: true, projectId: true } });
    return t ? { ticketId: t.id, projectId: t.projectId } : null;
  }

  /** GET /api/public/tickets/:token (or by id, for `ticket:changed`). NOT_FOUND (nothing else) when unknown. */
  async view(where: { token: string } | { id: string }): Promise<BuyerView> {
    const ticket = await this.db.queueTicket.findUnique({
      where,
      include: {
        ...ticketInclude,
        project: {
          select: {
            id: true,
            name: true,
            nameEn: true,
            timezone: true,
            rehearsalOf: { select: { name: true, nameEn: true } },
          },
        },
        registration: { select: { number: true, selectionEndsAt: true } },
      },
    });
    if (!ticket) throw new AppError('NOT_FOUND');
    const projectId = ticket.projectId;
    const now = Date.now();
    const [serving, ahead, calls, snapshot, catalog, shortlist] = await Promise.all([
      this.db.queueTicket.findMany({
        where: { categoryId: ticket.categoryId, status: 'CALLED' },
        orderBy: [{ calledAt: 'desc' }, { number: 'desc' }],
        take: NOW_SERVING_SIZE,
        select: { label: true },
      }),
      ticket.status === 'WAITING' ? countWaitingAhead(this.db, ticket) : Promise.resolve(null),
      // The pace of this buyer's own line (people ahead are counted in it).
      this.db.queueTicket.findMany({
        where: { categoryId: ticket.categoryId, calledAt: { not: null } },
        orderBy: { calledAt: 'desc' },
        take: CALL_RATE_WINDOW,
        select: { calledAt: true },
      }),
      this.query.snapshot(buyerPagePrincipal(projectId), projectId),
      this.directory.getCatalog(projectId),
      ticket.customerId
        ? this.db.shortlistItem.findMany({
            where: { customerId: ticket.customerId },
            orderBy: { rank: 'asc' },
            select: { unitId: true, rank: true },
          })
        : Promise.resolve([]),
    ]);
    const rate = callingRatePerMinute(
      calls.flatMap((c) => (c.calledAt ? [c.calledAt.getTime()] : [])),
      now,
    );
    const status = new Map(snapshot.units.map((u) => [u.id, u.status]));
    const shortlistUnits: BuyerShortlistUnit[] = shortlist.flatMap((s) => {
      const unit = catalog.byId.get(s.unitId);
      if (!unit) return [];
      return [
        {
          unitId: unit.id,
          code: unit.code,
          layout: unit.layout,
          layoutName: unit.layoutName,
          grossArea: unit.grossArea,
          listPrice: unit.listPrice,
          status: status.get(unit.id) ?? 'NOT_RELEASED',
          rank: s.rank,
        },
      ];
    });
    const selectionEndsAt =
      ticket.status === 'CALLED' ? (ticket.registration?.selectionEndsAt?.toISOString() ?? null) : null;
    return {
      ticketId: ticket.id,
      project: { ...ticket.project, rehearsal: ticket.project.rehearsalOf !== null },
      category: { code: ticket.category.code, name: ticket.category.name, nameEn: ticket.category.nameEn },
      label: ticket.label,
      status: ticket.status,
      issuedAt: ticket.issuedAt.toISOString(),
      calledAt: ticket.calledAt?.toISOString() ?? null,
      selectionEndsAt,
      nowServing: serving.map((s) => s.label),
      peopleAhead: ahead,
      estimatedWaitMinutes: ahead === null ? null : estimateWaitMinutes(ahead, rate),
      shortlist: shortlistUnits,
      availability: availabilityByLayout(catalog.catalog.units, snapshot),
      serverTime: new Date(now).toISOString(),
    };
  }

  /** Live availability per layout of a project (for `availability:changed`). */
  async availability(projectId: string): Promise<LayoutAvailability[]> {
    const [snapshot, catalog] = await Promise.all([
      this.query.snapshot(buyerPagePrincipal(projectId), projectId),
      this.directory.getCatalog(projectId),
    ]);
    return availabilityByLayout(catalog.catalog.units, snapshot);
  }

  /**
   * The ticket's PDF when rendered (`ready`), else `rendering` after making sure a render job is
   * queued. NOT_FOUND unless the token is the ticket's.
   */
  async ticketPdf(
    ticketId: string,
    token: string,
    origin: string,
  ): Promise<({ state: 'ready' } & StoredPdf) | { state: 'rendering' }> {
    const ticket = await this.db.queueTicket.findUnique({ where: { id: ticketId }, select: { id: true, token: true } });
    if (!ticket || !sameToken(ticket.token, token)) throw new AppError('NOT_FOUND');
    const stored = await this.documents.store.getTicketPdf(ticketId);
    if (stored) return { state: 'ready', ...stored };
    await this.documents.jobs.enqueueTicketPdf({ ticketId, origin });
    return { state: 'rendering' };
  }
}

/** Units per layout, and how many are AVAILABLE (not locked) in the live snapshot. */
export function availabilityByLayout(
  units: readonly { id: string; layout: string; layoutName: string }[],
  snapshot: Pick<ProjectSnapshot, 'units'>,
): LayoutAvailability[] {
  const status = new Map(snapshot.units.map((u) => [u.id, u.status]));
  const byLayout = new Map<string, LayoutAvailability>();
  for (const u of units) {
    let entry = byLayout.get(u.layout);
    if (!entry) {
      entry = { layout: u.layout, layoutName: u.layoutName, available: 0, total: 0 };
      byLayout.set(u.layout, entry);
    }
    entry.total += 1;
    if (status.get(u.id) === 'AVAILABLE') entry.available += 1;
  }
  return [...byLayout.values()].sort((a, b) => a.layout.localeCompare(b.layout));
}
