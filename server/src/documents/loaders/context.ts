import { AppError } from '@kaipan/shared';
import type { Db } from '../../infra/db.js';
import type { PricingService } from '../../services/pricing-service.js';
import type { ProjectDirectory } from '../../services/project-directory.js';

/** What a loader reads with: PostgreSQL, project access, the project's pricing terms. */
export interface LoaderContext {
  db: Db;
  directory: ProjectDirectory;
  pricing: PricingService;
}

/** Prisma Decimal / bigint / number → number (amounts are integer fen, areas m²). */
export const toNumber = (v: { toString(): string } | number | bigint): number =>
  Number(typeof v === 'number' ? v : v.toString());

export async function projectOf(
  ctx: LoaderContext,
  projectId: string,
): Promise<{ name: string; nameEn: string; timezone: string }> {
  const p = await ctx.db.project.findUnique({
    where: { id: projectId },
    select: { name: true, nameEn: true, timezone: true },
  });
  if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
  return p;
}
