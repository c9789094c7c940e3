/**
 * A dispute pack 争议材料包: one unit — its state now, every deal made on it, their payments, the
 * documents printed, and its whole timeline from the audit log (services/audit-entries.ts). Managers
 * only (it names every buyer and payer in full: privacy.ts mayReadDocument).
 */
import {
  AppError,
  auditChangeText,
  auditDeviceLabel,
  auditActorLabel,
  auditSentence,
  bilingual,
  DOCUMENT_KIND_LABELS,
  DOCUMENT_STATUS_LABELS,
  PAYMENT_KIND_LABELS,
  PAYMENT_STATUS_LABELS,
  SUBSCRIPTION_STATUS_LABELS,
  UNIT_STATUS_LABELS,
  isManagerRole,
  personView,
} from '@kaipan/shared';
import type { UserPrincipal } from '../../domain/principal.js';
import { readUnitHistory, toAuditEntries } from '../../services/audit-entries.js';
import type { DisputePackInput } from '../dispute-pack.js';
import { formatFen, formatM2, formatProjectTime } from '../format.js';
import type { Prepared } from '../versions.js';
import { projectOf, toNumber, type LoaderContext } from './context.js';

export async function prepareDisputePack(ctx: LoaderContext, user: UserPrincipal, unitId: string): Promise<Prepared> {
  const row = await ctx.db.unit.findUnique({ where: { id: unitId }, select: { projectId: true } });
  if (!row) throw new AppError('NOT_FOUND', 'No such unit.');
  const projectId = row.projectId;
  await ctx.directory.assertAccess(user, projectId);
  if (!isManagerRole(user.role)) throw new AppError('FORBIDDEN', 'A dispute pack is printed by a manager.');

  const [project, catalog, history] = await Promise.all([
    projectOf(ctx, projectId),
    ctx.directory.getCatalog(projectId),
    readUnitHistory(ctx.db, ctx.directory, projectId, unitId),
  ]);
  const tz = project.timezone;
  const entries = await toAuditEntries(ctx.db, ctx.directory, projectId, history.rows, personView(user, {}));
  const subs = await ctx.db.subscription.findMany({
    where: { projectId, unitId },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      buyerName: true,
      price: true,
      status: true,
      createdAt: true,
      consultant: { select: { displayName: true } },
    },
  });
  const subIds = subs.map((s) => s.id);
  const payments = await ctx.db.payment.findMany({
    where: { projectId, subscriptionId: { in: subIds } },
    orderBy: { createdAt: 'asc' },
    select: {
      kind: true,
      status: true,
      amount: true,
      payerName: true,
      createdAt: true,
      receipt: { select: { id: true, label: true } },
    },
  });
  const receiptIds = payments.flatMap((p) => (p.receipt ? [p.receipt.id] : []));
  const documents = await ctx.db.document.findMany({
    where: {
      projectId,
      OR: [
        { kind: 'AGREEMENT', entityId: { in: subIds } },
        { kind: 'RECEIPT', entityId: { in: receiptIds } },
        { kind: { in: ['PURCHASE_PLAN', 'DISPUTE_PACK'] }, entityId: unitId },
      ],
    },
    orderBy: { createdAt: 'asc' },
    select: { id: true, kind: true, version: true, status: true, createdAt: true },
  });

  const unit = catalog.byId.get(unitId);
  const building = catalog.catalog.buildings.find((b) => b.id === unit?.buildingId);
  const description = unit
    ? [building?.name, `${unit.floor}层 F${unit.floor}`, unit.layoutName, formatM2(unit.grossArea)]
        .filter(Boolean)
        .join(' · ')
    : '—';
  const chainHead = await ctx.chainHead(projectId);
  const input: Omit<DisputePackInput, 'documentId' | 'version' | 'verifyUrl' | 'renderedAt'> = {
    voided: false,
    project,
    unit: {
      code: history.unit.code,
      description,
      status: bilingual(UNIT_STATUS_LABELS[history.unit.status]),
      listPrice: unit ? formatFen(unit.listPrice) : '—',
    },
    deals: subs.map((s) => [
      formatProjectTime(s.createdAt, tz),
      s.buyerName,
      s.consultant.displayName,
      formatFen(toNumber(s.price)),
      bilingual(SUBSCRIPTION_STATUS_LABELS[s.status]),
    ]),
    payments: payments.map((p) => [
      formatProjectTime(p.createdAt, tz),
      p.receipt?.label ?? '—',
      bilingual(PAYMENT_KIND_LABELS[p.kind]),
      p.payerName,
      formatFen(toNumber(p.amount)),
      bilingual(PAYMENT_STATUS_LABELS[p.status]),
    ]),
    documents: documents.map((d) => [
      formatProjectTime(d.createdAt, tz),
      bilingual(DOCUMENT_KIND_LABELS[d.kind]),
      `v${d.version}`,
      bilingual(DOCUMENT_STATUS_LABELS[d.status]),
      d.id,
    ]),
    events: entries.map((e) => ({
      at: e.at,
      id: e.id,
      zh: auditSentence(e, 'zh-CN'),
      en: auditSentence(e, 'en'),
      changes: auditChangeText(e, 'zh-CN', tz),
      actor: auditActorLabel(e.actor, 'zh-CN'),
      device: auditDeviceLabel(e.device) ?? '—',
    })),
    truncated: history.truncated,
    chainHead,
  };
  return {
    projectId,
    timezone: tz,
    title: `争议材料包 Dispute pack · ${history.unit.code}`,
    voided: false,
    facts: [
      { label: '房源', labelEn: 'Unit', value: history.unit.code },
      { label: '状态', labelEn: 'State', value: input.unit.status },
      { label: '事件数', labelEn: 'Events', value: String(entries.length) },
      { label: '审计链头', labelEn: 'Audit chain head', value: chainHead ?? '—' },
    ],
    render: { kind: 'dispute-pack', input },
  };
}
