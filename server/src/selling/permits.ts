/**
 * The presale-permit rule 预售许可证 (docs/setup.md): once a project has entered any permit, a unit
 * that no permit covers (neither its building nor the unit itself) is not taken to sale. A project
 * without permits is not blocked, so a rehearsal or a quick trial works. Checked inside the
 * transaction of every NOT_RELEASED → AVAILABLE path (today one: `releaseBatchUnits`), together with
 * the archive: an archived project releases nothing.
 */
import { AppError } from '@kaipan/shared';
import type { Tx } from '../infra/db.js';

/** How many uncovered unit codes the refusal names (the count says how many there are). */
const NAMED = 50;

/**
 * Refuse (PROJECT_ARCHIVED, UNIT_NOT_PERMITTED with `{unitCodes, count}`) unless every unit of
 * the batch that is still NOT_RELEASED may go on sale. Takes a share lock on the project
 * row: a permit deleted or a project archived concurrently waits for this release, or this release
 * sees it.
 */
export async function assertReleasable(tx: Tx, projectId: string, batchId: string): Promise<void> {
  const project = await tx.$queryRaw<{ archived: boolean; has_permits: boolean }[]>`
    SELECT archived_at IS NOT NULL AS archived,
           EXISTS (SELECT 1 FROM presale_permits WHERE project_id = ${projectId}::uuid) AS has_permits
    FROM projects WHERE id = ${projectId}::uuid FOR SHARE`;
  const row = project[0];
  if (!row) throw new AppError('NOT_FOUND', 'Project not found.');
  if (row.archived) throw new AppError('PROJECT_ARCHIVED');
  if (!row.has_permits) return;
  const rows = await tx.$queryRaw<{ code: string }[]>`
    SELECT u.code FROM units u
    WHERE u.project_id = ${projectId}::uuid AND u.batch_id = ${batchId}::uuid AND u.status = 'NOT_RELEASED'
      AND NOT EXISTS (SELECT 1 FROM presale_permits p WHERE p.project_id = u.project_id
                        AND (u.building_id = ANY (p.building_ids) OR u.id = ANY (p.unit_ids)))
    ORDER BY u.code`;
  const uncovered = rows.map((r) => r.code);
  if (uncovered.length === 0) return;
  const named = uncovered.slice(0, NAMED).join(', ');
  throw new AppError(
    'UNIT_NOT_PERMITTED',
    `No presale permit covers ${uncovered.length === 1 ? 'unit' : `${uncovered.length} units`}: ${named}${uncovered.length > NAMED ? ' …' : ''}.`,
    { unitCodes: uncovered.slice(0, NAMED), count: uncovered.length },
  );
}
