import { AppError, type Payee } from '@kaipan/shared';
import { PAYEE_SELECT, payeeOf } from '../../domain/payee.js';
import type { Db } from '../../infra/db.js';
import type { PricingService } from '../../services/pricing-service.js';
import type { ProjectDirectory } from '../../services/project-directory.js';

/** What a loader reads with: PostgreSQL, project access, the project's pricing terms. */
export interface LoaderContext {
  db: Db;
  directory: ProjectDirectory;
  pricing: PricingService;
  /** The project's audit chain head as printed (`events:shortHash`), null while nothing is sealed. */
  chainHead: (projectId: string) => Promise<string | null>;
}

/** Prisma Decimal / bigint / number → number (amounts are integer fen, areas m²). */
export const toNumber = (v: { toString(): string } | number | bigint): number =>
  Number(typeof v === 'number' ? v : v.toString());

export async function projectOf(
  ctx: LoaderContext,
  projectId: string,
): Promise<{ name: string; nameEn: string; timezone: string; payee: Payee | null; rehearsal?: true }> {
  const p = await ctx.db.project.findUnique({
    where: { id: projectId },
    select: { name: true, nameEn: true, timezone: true, rehearsalOfId: true, ...PAYEE_SELECT },
  });
  if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
  return { name: p.name, nameEn: p.nameEn, timezone: p.timezone, payee: payeeOf(p), ...rehearsalMark(p) };
}

/**
 * `{rehearsal: true}` for a rehearsal's project, nothing for a real one: a real project's documents
 * (and their fingerprints) stay exactly as they were.
 */
export function rehearsalMark(p: { rehearsalOfId: string | null }): { rehearsal?: true } {
  return p.rehearsalOfId ? { rehearsal: true } : {};
}
