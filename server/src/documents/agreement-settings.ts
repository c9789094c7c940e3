/**
 * The project's 认购书 terms 认购须知 and signing period: read, change (managers, audited), and a
 * sample preview of unsaved text that stores nothing.
 */
import {
  AppError,
  DEFAULT_AGREEMENT_TERMS,
  addCalendarDays,
  calendarDateInZone,
  type AgreementSettings,
  type AgreementSettingsBody,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { canManage, type Principal } from '../domain/principal.js';
import type { RenderPool } from '../jobs/render-pool.js';
import { toAuditRow } from '../services/audit.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { lockEditableProject } from '../services/editable-project.js';
import { sampleAgreement } from './samples.js';
import { rehearsalMark } from './loaders/context.js';
import { PAYEE_SELECT, payeeOf } from '../domain/payee.js';

export class AgreementSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    /** Renders the sample 认购书 (its thread starts on first use; the owner closes it). */
    private readonly previewRenderer: RenderPool,
  ) {}

  async get(principal: Principal, projectId: string): Promise<AgreementSettings> {
    await this.directory.assertAccess(principal, projectId);
    const p = await this.db.project.findUnique({
      where: { id: projectId },
      select: { agreementTerms: true, signingDays: true },
    });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    return { terms: p.agreementTerms ?? '', signingDays: p.signingDays, defaultTerms: DEFAULT_AGREEMENT_TERMS };
  }

  /** Managers: the 认购书 terms text ('' = the default) and the signing period; audited. */
  async update(principal: Principal, projectId: string, body: AgreementSettingsBody): Promise<AgreementSettings> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers change the agreement terms.');
    const terms = body.terms.trim() === '' ? null : body.terms.replace(/\r\n?/g, '\n').trim();
    await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const before = await tx.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { agreementTerms: true, signingDays: true },
      });
      await tx.project.update({
        where: { id: projectId },
        data: { agreementTerms: terms, signingDays: body.signingDays },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: principal,
          action: 'project.agreement',
          entity: 'project',
          entityId: projectId,
          before: { terms: before.agreementTerms, signingDays: before.signingDays },
          after: { terms, signingDays: body.signingDays },
        }),
      });
    });
    return this.get(principal, projectId);
  }

  /**
   * Managers: a sample 认购书 of the given (unsaved) terms and signing period — the project's name
   * and zone, a made-up buyer, unit and price, subscribed now — stamped 样本 SAMPLE on every page and
   * without a verification code. Changes nothing: no document row, no audit event.
   */
  async preview(
    principal: Principal,
    projectId: string,
    body: AgreementSettingsBody,
    now = new Date(),
  ): Promise<Buffer> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers preview the agreement terms.');
    const p = await this.db.project.findUnique({
      where: { id: projectId },
      select: { name: true, nameEn: true, timezone: true, rehearsalOfId: true, ...PAYEE_SELECT },
    });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    const terms = body.terms.replace(/\r\n?/g, '\n').trim() || DEFAULT_AGREEMENT_TERMS;
    const at = now.toISOString();
    // The same deadline rule as a real agreement: the subscription's calendar day + signingDays.
    const subscribedOn = calendarDateInZone(at, p.timezone);
    const base = sampleAgreement();
    const input = sampleAgreement({
      documentId: 'sample',
      version: 1,
      verifyUrl: '',
      renderedAt: at,
      voided: false,
      sample: true,
      project: { name: p.name, nameEn: p.nameEn, timezone: p.timezone, payee: payeeOf(p), ...rehearsalMark(p) },
      subscriptionId: 'sample',
      subscribedAt: at,
      breakdown: base.breakdown ? { ...base.breakdown, at } : null,
      schedule: base.schedule?.map((i) => ({ ...i, dueDate: addCalendarDays(subscribedOn, i.dueDays) })) ?? null,
      signingDeadline: addCalendarDays(subscribedOn, body.signingDays),
      signingDays: body.signingDays,
      terms,
    });
    return this.previewRenderer.renderDocument({ kind: 'agreement', input });
  }
}
