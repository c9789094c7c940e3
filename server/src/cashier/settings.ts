/**
 * The project's money settings at the cashier: the deposit rule's window 定金时限 (null = off) and the
 * required deposit 定金 (when the plan gives none). docs/cashier.md "The deposit rule".
 */
import type { CashierSettings } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { Principal } from '../domain/principal.js';
import { toAuditRow } from '../services/audit.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { lockEditableProject } from '../services/editable-project.js';
import { TX_OPTIONS, managerOf, moneyStaff } from './common.js';
import type { DepositRule } from './deposit-rule.js';

export class CashierSettingsService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly deposits: DepositRule,
  ) {}

  async get(principal: Principal, projectId: string): Promise<CashierSettings> {
    await moneyStaff(this.directory, principal, projectId, 'read');
    const p = await this.db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { depositWindowMinutes: true, requiredDepositFen: true },
    });
    return { depositWindowMinutes: p.depositWindowMinutes, requiredDepositFen: Number(p.requiredDepositFen) };
  }

  /** Managers: the deposit rule's window (null = off) and the project's required deposit. Applies to new subscriptions. */
  async update(principal: Principal, projectId: string, body: Partial<CashierSettings>): Promise<CashierSettings> {
    const user = await managerOf(this.directory, principal, projectId);
    const saved = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const before = await tx.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { depositWindowMinutes: true, requiredDepositFen: true },
      });
      const after = await tx.project.update({
        where: { id: projectId },
        data: {
          ...(body.depositWindowMinutes !== undefined ? { depositWindowMinutes: body.depositWindowMinutes } : {}),
          ...(body.requiredDepositFen !== undefined ? { requiredDepositFen: BigInt(body.requiredDepositFen) } : {}),
        },
        select: { depositWindowMinutes: true, requiredDepositFen: true },
      });
      const shape = (p: typeof after): CashierSettings => ({
        depositWindowMinutes: p.depositWindowMinutes,
        requiredDepositFen: Number(p.requiredDepositFen),
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'project.cashier_settings',
          entity: 'project',
          entityId: projectId,
          before: shape(before),
          after: shape(after),
        }),
      });
      return shape(after);
    }, TX_OPTIONS);
    this.deposits.forgetWindow(projectId);
    return saved;
  }
}
