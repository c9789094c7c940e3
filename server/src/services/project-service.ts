/**
 * Projects as administrators and managers set them up (docs/setup.md): create, edit, archive and
 * unarchive, the payee company printed on receipts and the 认购书. Every change is audited with
 * before/after. Archiving pauses sales (the lock script and kaipan_confirm then refuse at no extra
 * cost on the hot path) and makes the project read-only: its edits, settings, batches and permits
 * answer PROJECT_ARCHIVED, and resuming sales waits for unarchive.
 */
import {
  AppError,
  type createProjectBodySchema,
  pricingPolicySchema,
  type Payee,
  type ProjectDetails,
  type Rounding,
  type UpdateProjectBody,
} from '@kaipan/shared';
import type { z } from 'zod';
import { Prisma, type Db, type Tx } from '../infra/db.js';
import { canAdminister, canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow, type AuditInput } from './audit.js';
import { PAYEE_SELECT, payeeColumns, payeeOf } from '../domain/payee.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import type { ProjectDirectory } from './project-directory.js';
import type { PricingService } from './pricing-service.js';
import type { ProjectList } from './background.js';

type CreateProject = z.output<typeof createProjectBodySchema>;

const detailsSelect = {
  id: true,
  address: true,
  pricingPolicy: true,
  ...PAYEE_SELECT,
  archivedAt: true,
  createdAt: true,
} as const;

type DetailsRow = Prisma.ProjectGetPayload<{ select: typeof detailsSelect }>;

function roundingOf(policy: unknown): Rounding {
  return pricingPolicySchema.parse(policy).rounding;
}

/** A code nobody typed: P + the UTC date + 3 random letters/digits (retried on the rare clash). */
function generatedCode(now: Date): string {
  const date = now.toISOString().slice(2, 10).replaceAll('-', '');
  const tail = Math.floor(Math.random() * 36 ** 3)
    .toString(36)
    .toUpperCase()
    .padStart(3, '0');
  return `P${date}-${tail}`;
}

/** The editable facts of a project as the audit log shows them. */
type Facts = {
  name: string;
  nameEn: string;
  city: string;
  address: string;
  timezone: string;
  rounding: Rounding;
  payee: Payee | null;
};

/**
 * Create a project (audited `project.create`), the one place a project row is made: by
 * `POST /api/projects` (ProjectService.create, which authorizes) and by the demo seed. The code is
 * generated unless given (retried on the rare clash); a given code in use is a CONFLICT. Answers the id.
 */
export async function createProject(db: Db, actor: AuditInput['actor'], body: CreateProject): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const code = body.code ?? generatedCode(new Date());
    try {
      return await db.$transaction(async (tx) => {
        const row = await tx.project.create({
          data: {
            code,
            name: body.name,
            nameEn: body.nameEn,
            city: body.city,
            address: body.address,
            timezone: body.timezone,
            ...payeeColumns(body.payee ?? null),
          },
          select: { id: true, pricingPolicy: true },
        });
        // The pricing policy starts as the column's default; only its rounding is set here.
        const policy = pricingPolicySchema.parse(row.pricingPolicy);
        if (body.rounding) {
          policy.rounding = body.rounding;
          await tx.project.update({
            where: { id: row.id },
            data: { pricingPolicy: policy as unknown as Prisma.InputJsonValue },
          });
        }
        const { name, nameEn, city, address, timezone } = body;
        const facts: Facts = {
          name,
          nameEn,
          city,
          address,
          timezone,
          rounding: policy.rounding,
          payee: body.payee ?? null,
        };
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: row.id,
            actor,
            action: 'project.create',
            entity: 'project',
            entityId: row.id,
            after: { code, ...facts },
          }),
        });
        return row.id;
      });
    } catch (err) {
      const clash = err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
      if (!clash) throw err;
      if (body.code) throw new AppError('CONFLICT', `The project code ${body.code} is in use.`);
      if (attempt >= 4) throw err;
    }
  }
}

export class ProjectService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly keeper: MirrorKeeper,
    private readonly pricing: PricingService,
    private readonly projects: ProjectList,
  ) {}

  /** Create a project (administrators). The code is generated unless given; a given code in use is a CONFLICT. */
  async create(principal: Principal, body: CreateProject): Promise<ProjectDetails> {
    const user = this.administrator(principal);
    const id = await createProject(this.db, user, body);
    await this.projects.get(true);
    return this.details(principal, id);
  }

  /** Everything setup shows of a project (managers of the project, administrators). */
  async details(principal: Principal, projectId: string): Promise<ProjectDetails> {
    await this.manager(principal, projectId);
    const [summary, row] = await Promise.all([
      this.directory.getProject(projectId),
      this.db.project.findUniqueOrThrow({ where: { id: projectId }, select: detailsSelect }),
    ]);
    return {
      ...summary,
      address: row.address,
      rounding: roundingOf(row.pricingPolicy),
      payee: payeeOf(row),
      archivedAt: row.archivedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** Edit names, city, address, time zone, rounding, payee; audited with the fields that changed, before and after. */
  async update(principal: Principal, projectId: string, body: UpdateProjectBody & object): Promise<ProjectDetails> {
    const user = await this.manager(principal, projectId);
    const changedTerms = await this.db.$transaction(async (tx) => {
      const current = await this.lockEditable(tx, projectId);
      const before = this.factsOfRow(current);
      const after: Facts = { ...before, ...(body as Partial<Facts>) };
      const changed = (Object.keys(body) as (keyof Facts)[]).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      );
      if (changed.length === 0) return false;
      const policy = pricingPolicySchema.parse(current.pricingPolicy);
      policy.rounding = after.rounding;
      await tx.project.update({
        where: { id: projectId },
        data: {
          name: after.name,
          nameEn: after.nameEn,
          city: after.city,
          address: after.address,
          timezone: after.timezone,
          ...(changed.includes('rounding') ? { pricingPolicy: policy as unknown as Prisma.InputJsonValue } : {}),
          ...payeeColumns(after.payee),
        },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'project.update',
          entity: 'project',
          entityId: projectId,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        }),
      });
      // The time zone and the rounding price deals (a trigger bumps terms_version): quotes are read again.
      return changed.includes('rounding') || changed.includes('timezone');
    });
    this.directory.invalidate(projectId);
    if (changedTerms) this.pricing.forget(projectId);
    return this.details(principal, projectId);
  }

  /**
   * Archive (administrators): sales paused in the same transaction (versioned like a pause, so the
   * mirror refuses locks and kaipan_confirm refuses confirms), the project read-only and unlisted.
   */
  async archive(principal: Principal, projectId: string): Promise<ProjectDetails> {
    return this.setArchived(principal, projectId, true);
  }

  /** Unarchive (administrators): editable and listed again; sales stay paused until a manager resumes them. */
  async unarchive(principal: Principal, projectId: string): Promise<ProjectDetails> {
    return this.setArchived(principal, projectId, false);
  }

  private async setArchived(principal: Principal, projectId: string, archive: boolean): Promise<ProjectDetails> {
    const user = this.administrator(principal);
    await this.directory.assertAccess(principal, projectId);
    const paused = await this.db.$transaction(async (tx) => {
      // FOR UPDATE, as a pause takes it: a confirm committed before, or waits and is refused.
      const rows = await tx.$queryRaw<{ sales_paused: boolean; archived_at: Date | null }[]>`
        SELECT sales_paused, archived_at FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      const row = rows[0]!;
      if ((row.archived_at !== null) === archive) {
        throw new AppError(
          'INVALID_TRANSITION',
          archive ? 'The project is already archived.' : 'The project is not archived.',
        );
      }
      const pausing = archive && !row.sales_paused;
      const updated = await tx.project.update({
        where: { id: projectId },
        data: {
          archivedAt: archive ? new Date() : null,
          ...(pausing ? { salesPaused: true, salesVersion: { increment: 1 } } : {}),
        },
        select: { salesVersion: true },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: archive ? 'project.archive' : 'project.unarchive',
          entity: 'project',
          entityId: projectId,
          before: { archived: !archive, salesPaused: row.sales_paused },
          after: { archived: archive, salesPaused: row.sales_paused || pausing },
        }),
      });
      return pausing ? updated.salesVersion : null;
    });
    if (paused !== null) await this.keeper.applyPaused(projectId, true, paused);
    this.directory.invalidate(projectId);
    return this.details(principal, projectId);
  }

  /** The project row, locked for an edit; PROJECT_ARCHIVED while archived. */
  private async lockEditable(tx: Tx, projectId: string) {
    await tx.$queryRaw`SELECT id FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
    const row = await tx.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { ...detailsSelect, name: true, nameEn: true, city: true, timezone: true },
    });
    if (row.archivedAt) throw new AppError('PROJECT_ARCHIVED');
    return row;
  }

  private factsOfRow(row: DetailsRow & { name: string; nameEn: string; city: string; timezone: string }): Facts {
    return {
      name: row.name,
      nameEn: row.nameEn,
      city: row.city,
      address: row.address,
      timezone: row.timezone,
      rounding: roundingOf(row.pricingPolicy),
      payee: payeeOf(row),
    };
  }

  private administrator(principal: Principal): UserPrincipal {
    if (!canAdminister(principal)) throw new AppError('FORBIDDEN', 'Only administrators create or archive projects.');
    return principal;
  }

  private async manager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // In the project first (scopes the principal to it: its role there), then the role's grant.
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers set up a project.');
    return principal;
  }
}
