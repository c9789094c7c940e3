/**
 * The one guard of a project's setup writes: an archived project is read-only (docs/setup.md
 * "Archive"). Every write of a project's setup — its settings, batches, permits, buildings, units,
 * layouts and prices, cashier settings, 认购书 terms, kiosk PIN — takes the project row with it inside its transaction, so an archive
 * committed meanwhile is seen (it locks the same row) and the write answers PROJECT_ARCHIVED.
 */
import { AppError } from '@kaipan/shared';
import type { Tx } from '../infra/db.js';

/**
 * Lock the project row for a change of its setup; NOT_FOUND for no project, PROJECT_ARCHIVED while
 * it is archived. `update`: FOR UPDATE (changes of the project row itself). `inventory`: FOR NO KEY
 * UPDATE — buildings, units and prices are serialised per project while a sale's rows, which only
 * reference the project (FOR KEY SHARE), never wait on it. `share`: FOR SHARE, for changes that
 * only need the project to stay as it is.
 */
export async function lockEditableProject(
  tx: Tx,
  projectId: string,
  mode: 'update' | 'inventory' | 'share' = 'update',
): Promise<void> {
  const rows =
    mode === 'update'
      ? await tx.$queryRaw<{ archived: boolean }[]>`
          SELECT archived_at IS NOT NULL AS archived FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`
      : mode === 'inventory'
        ? await tx.$queryRaw<{ archived: boolean }[]>`
          SELECT archived_at IS NOT NULL AS archived FROM projects WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`
        : await tx.$queryRaw<{ archived: boolean }[]>`
          SELECT archived_at IS NOT NULL AS archived FROM projects WHERE id = ${projectId}::uuid FOR SHARE`;
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Project not found.');
  if (rows[0].archived) throw new AppError('PROJECT_ARCHIVED');
}
