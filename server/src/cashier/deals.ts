/**
 * Finding a deal at the counter and showing it to the cashier: the lookup (unit code, phone, queue
 * ticket, registration or receipt number, a printed id), and the cashier's view of a subscription
 * (deposit required and paid, balance held, along its 换房 chain) or a registration (诚意金 held),
 * the buyer shown per the privacy rule. docs/cashier.md "Flows".
 */
import {
  AppError,
  formatRegistrationNo,
  idSchema,
  normalizePhone,
  parseRegistrationNo,
  personView,
  phoneDigits,
  showName,
  showPhone,
  type CashierLookup,
  type CashierRegistration,
  type CashierSubscription,
  type PaymentInfo,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { moneyStaff, type Client } from './common.js';
import { chainIds, requiredDeposit, subscriptionMoney } from './deal-money.js';
import type { PaymentService } from './payment-service.js';

const isValidUuid = (s: string): boolean => idSchema.safeParse(s).success;

/** Results per kind in a lookup. */
const LOOKUP_LIMIT = 10;

const subscriptionSelect = {
  id: true,
  projectId: true,
  unitId: true,
  status: true,
  consultantId: true,
  buyerName: true,
  buyerPhone: true,
  price: true,
  schedule: true,
  depositPaidAt: true,
  depositDueAt: true,
  refundState: true,
  registrationId: true,
  createdAt: true,
  unit: { select: { code: true } },
  project: { select: { requiredDepositFen: true } },
} as const;

export class CashierDeals {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly payments: PaymentService,
  ) {}

  /** Deals as `viewer` may see them: the buyer per the privacy rule, the deal's consultant owning the record. */
  private async subscriptionInfos(
    client: Client,
    ids: string[],
    viewer: UserPrincipal,
  ): Promise<CashierSubscription[]> {
    if (ids.length === 0) return [];
    const rows = await client.subscription.findMany({ where: { id: { in: ids } }, select: subscriptionSelect });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: CashierSubscription[] = [];
    for (const id of ids) {
      const s = byId.get(id);
      if (!s) continue;
      const money = await subscriptionMoney(client, await chainIds(client, s.id));
      const view = personView(viewer, { consultantId: s.consultantId });
      out.push({
        id: s.id,
        unitId: s.unitId,
        unitCode: s.unit.code,
        status: s.status,
        buyerName: showName(view.name, s.buyerName),
        buyerPhone: showPhone(view.phone, s.buyerPhone),
        price: Number(s.price),
        depositRequired: requiredDeposit(s.schedule, s.project.requiredDepositFen),
        depositPaid: money.depositPaid,
        depositPaidAt: s.depositPaidAt?.toISOString() ?? null,
        depositDueAt: s.depositDueAt?.toISOString() ?? null,
        refundState: s.refundState,
        balanceHeld: money.balanceHeld,
        registrationId: s.registrationId,
        createdAt: s.createdAt.toISOString(),
      });
    }
    return out;
  }

  /** Registrations as `viewer` may see them: the customer per the privacy rule, its owner owning the record. */
  private async registrationInfos(ids: string[], viewer: UserPrincipal): Promise<CashierRegistration[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.registration.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        number: true,
        status: true,
        customer: { select: { name: true, phone: true, ownerId: true } },
      },
    });
    const held = await this.db.payment.groupBy({
      by: ['registrationId'],
      where: { registrationId: { in: ids }, kind: 'SINCERITY', status: 'RECORDED' },
      _sum: { amount: true },
    });
    const sums = new Map(held.map((h) => [h.registrationId, Number(h._sum.amount ?? 0n)]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const view = personView(viewer, { ownerId: r.customer.ownerId });
      return [
        {
          id: r.id,
          label: formatRegistrationNo(r.number),
          status: r.status,
          customerName: showName(view.name, r.customer.name),
          customerPhone: showPhone(view.phone, r.customer.phone),
          sincerityHeld: sums.get(r.id) ?? 0,
        },
      ];
    });
  }

  async subscription(
    principal: Principal,
    subscriptionId: string,
  ): Promise<CashierSubscription & { payments: PaymentInfo[] }> {
    const row = await this.db.subscription.findUnique({ where: { id: subscriptionId }, select: { projectId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such subscription.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    const [info] = await this.subscriptionInfos(this.db, [subscriptionId], user);
    return { ...info!, payments: await this.payments.ofSubscriptions(await chainIds(this.db, subscriptionId), user) };
  }

  async registration(
    principal: Principal,
    registrationId: string,
  ): Promise<CashierRegistration & { payments: PaymentInfo[] }> {
    const row = await this.db.registration.findUnique({ where: { id: registrationId }, select: { projectId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such registration.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    const [info] = await this.registrationInfos([registrationId], user);
    return { ...info!, payments: await this.payments.ofRegistration(registrationId, user) };
  }

  /**
   * Find what the buyer at the counter is here for: by unit code (exact; or without the building
   * prefix when that is unique), buyer phone, queue ticket (A012), registration number (R0007),
   * receipt number (KP2026-000012), or an id printed on a receipt or document (QR). A household
   * found by one side brings the other (a registration brings its live subscriptions and back), so
   * a conversion has both ends on screen.
   */
  async lookup(principal: Principal, projectId: string, query: string): Promise<CashierLookup> {
    // The desk's search (by phone, name, unit…): the cashiers' tool, not finance's (it answers the
    // phone it was given, in clear).
    const { user } = await moneyStaff(this.directory, principal, projectId);
    const q = query.trim();
    const subs = new Set<string>();
    const regs = new Set<string>();
    const pays = new Set<string>();
    const customers = new Set<string>();
    const phones = new Set<string>();

    if (isValidUuid(q)) {
      const [receipt, payment, document, sub, reg] = await Promise.all([
        this.db.receipt.findFirst({ where: { id: q, projectId }, select: { paymentId: true } }),
        this.db.payment.findFirst({ where: { id: q, projectId }, select: { id: true } }),
        this.db.document.findFirst({ where: { id: q, projectId }, select: { kind: true, entityId: true } }),
        this.db.subscription.findFirst({ where: { id: q, projectId }, select: { id: true } }),
        this.db.registration.findFirst({ where: { id: q, projectId }, select: { id: true } }),
      ]);
      if (receipt) pays.add(receipt.paymentId);
      if (payment) pays.add(payment.id);
      if (sub) subs.add(sub.id);
      if (reg) regs.add(reg.id);
      if (document?.kind === 'RECEIPT') {
        const r = await this.db.receipt.findFirst({
          where: { id: document.entityId, projectId },
          select: { paymentId: true },
        });
        if (r) pays.add(r.paymentId);
      } else if (document?.kind === 'AGREEMENT') {
        subs.add(document.entityId);
      }
    }
    if (q.length >= 2) {
      const receipts = await this.db.receipt.findMany({
        where: { projectId, label: { equals: q, mode: 'insensitive' } },
        select: { paymentId: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of receipts) pays.add(r.paymentId);
    }
    if (/^[Rr]\d{1,9}$/.test(q)) {
      const n = parseRegistrationNo(q);
      if (n !== null) {
        const reg = await this.db.registration.findUnique({
          where: { projectId_number: { projectId, number: n } },
          select: { id: true },
        });
        if (reg) regs.add(reg.id);
      }
    }
    if (/^[A-Za-z]\d{1,6}$/.test(q)) {
      const tickets = await this.db.queueTicket.findMany({
        where: { projectId, label: { equals: q, mode: 'insensitive' } },
        select: { phone: true, customerId: true, registrationId: true },
        take: LOOKUP_LIMIT,
      });
      for (const t of tickets) {
        phones.add(t.phone);
        if (t.customerId) customers.add(t.customerId);
        if (t.registrationId) regs.add(t.registrationId);
      }
    }
    // Unit code: exact, else the only unit whose code ends with "-<q>" (without the building prefix).
    let unitIds: string[] = [];
    const exact = await this.db.unit.findMany({
      where: { projectId, code: { equals: q, mode: 'insensitive' } },
      select: { id: true },
      take: 2,
    });
    if (exact.length > 0) unitIds = exact.map((u) => u.id);
    else if (/^[A-Za-z0-9]{1,10}$/.test(q)) {
      const suffix = await this.db.unit.findMany({
        where: { projectId, code: { endsWith: `-${q}`, mode: 'insensitive' } },
        select: { id: true },
        take: 2,
      });
      if (suffix.length === 1) unitIds = [suffix[0]!.id];
    }
    if (unitIds.length > 0) {
      const rows = await this.db.subscription.findMany({
        where: { projectId, unitId: { in: unitIds } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of rows) subs.add(r.id);
    }
    const digits = phoneDigits(q);
    if (digits && digits.length >= 7) {
      phones.add(digits);
      const normal = normalizePhone(q);
      if (normal) phones.add(normal);
    }
    if (phones.size > 0) {
      const list = [...phones];
      const found = await this.db.customer.findMany({
        where: { projectId, phone: { in: list } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const c of found) customers.add(c.id);
      const rows = await this.db.subscription.findMany({
        where: { projectId, buyerPhone: { in: list } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of rows) subs.add(r.id);
    }
    if (customers.size > 0) {
      const regRows = await this.db.registration.findMany({
        where: { projectId, customerId: { in: [...customers] } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of regRows) regs.add(r.id);
      const subRows = await this.db.subscription.findMany({
        where: { projectId, customerId: { in: [...customers] } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of subRows) subs.add(r.id);
    }
    // Payments found bring their deal and registration.
    const payments = await this.payments.byIds([...pays].slice(0, LOOKUP_LIMIT), user);
    for (const p of payments) {
      if (p.subscriptionId) subs.add(p.subscriptionId);
      if (p.registrationId) regs.add(p.registrationId);
    }
    // The household on both sides: a registration's live subscriptions, a subscription's registration.
    if (regs.size > 0) {
      const live = await this.db.subscription.findMany({
        where: { projectId, registrationId: { in: [...regs] }, status: { in: ['ACTIVE', 'CONTRACTED'] } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of live) subs.add(r.id);
    }
    const subIds = [...subs].slice(0, LOOKUP_LIMIT);
    if (subIds.length > 0) {
      const rows = await this.db.subscription.findMany({
        where: { id: { in: subIds }, registrationId: { not: null } },
        select: { registrationId: true },
      });
      for (const r of rows) if (r.registrationId) regs.add(r.registrationId);
    }
    return {
      query: q,
      subscriptions: await this.subscriptionInfos(this.db, subIds, user),
      registrations: await this.registrationInfos([...regs].slice(0, LOOKUP_LIMIT), user),
      payments,
    };
  }
}
