/**
 * What a rehearsal 演练 copies from its project, and what its reset deletes (docs/setup.md
 * "Rehearsal"). Pure data: server/src/services/rehearsal-service.ts turns it into SQL.
 *
 * Copied (configuration, with new ids): layouts, buildings, batches, units, the active price list,
 * discount rules, payment plans, presale permits, queue categories, active receipt books, teams and
 * members. Never copied (operational): customers, registrations, deals, money, queue tickets,
 * lottery draws, approvals, documents, devices and the audit log.
 */

/** One table copied into a rehearsal. */
export interface CopiedTable {
  table: string;
  /** The rows of the source, an SQL condition on alias `s`; `$1::uuid` is the source project's id. */
  where: string;
  /**
   * The rows a project owns, an SQL condition on alias `r`; `$1::uuid` is that project's id (the snapshot
   * reads the rehearsal's rows with it, the reset deletes them with it).
   */
  owned: string;
  /** The table has its own `id` (a new one in the copy); false for composite keys. */
  ownId: boolean;
  /** uuid columns naming copied rows (project, building, …): replaced by the copies' ids. */
  refs: readonly string[];
  /** uuid[] columns naming copied rows, element by element. */
  arrayRefs?: readonly string[];
  /** Columns given another value in the copy: SQL expressions on alias `s`. */
  overrides?: Readonly<Record<string, string>>;
  /**
   * A reset puts the snapshot of this table back. False for teams and members: the people of a
   * rehearsal stay as they are (a member added for the practice keeps their seat).
   */
  restored: boolean;
}

const byProject = { where: 's.project_id = $1::uuid', owned: 'r.project_id = $1::uuid' } as const;

/** A sold unit of the real project: withheld in the rehearsal (its deal is not copied). */
const SOLD = `s.status IN ('SUBSCRIBED', 'CONTRACTED')`;
export const SOLD_IN_SOURCE_REASON = '正式项目已售 / sold in the real project';

/** Copy order: a table comes after every table it references. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { table: 'unit_layouts', ...byProject, ownId: true, refs: ['project_id'], restored: true },
  { table: 'buildings', ...byProject, ownId: true, refs: ['project_id'], restored: true },
  {
    table: 'batches',
    ...byProject,
    ownId: true,
    refs: ['project_id'],
    // A scheduled release of the real launch would release the rehearsal at the same instant.
    overrides: { release_at: `CASE WHEN s.status = 'PENDING' THEN NULL ELSE s.release_at END` },
    restored: true,
  },
  {
    table: 'units',
    ...byProject,
    ownId: true,
    refs: ['project_id', 'building_id', 'batch_id', 'layout_id'],
    overrides: {
      status: `CASE WHEN ${SOLD} THEN 'WITHHELD' ELSE s.status::text END`,
      withhold_reason: `CASE WHEN ${SOLD} THEN '${SOLD_IN_SOURCE_REASON}' ELSE s.withhold_reason END`,
      withhold_channel: `CASE WHEN ${SOLD} THEN 'OTHER' ELSE s.withhold_channel::text END`,
      version: '1',
      lock_token: 'NULL',
    },
    restored: true,
  },
  {
    table: 'price_lists',
    where: `s.project_id = $1::uuid AND s.status = 'ACTIVE'`,
    owned: 'r.project_id = $1::uuid',
    ownId: true,
    refs: ['project_id'],
    restored: true,
  },
  {
    table: 'price_list_entries',
    where: `s.price_list_id IN (SELECT id FROM price_lists WHERE project_id = $1::uuid AND status = 'ACTIVE')`,
    owned: 'r.price_list_id IN (SELECT id FROM price_lists WHERE project_id = $1::uuid)',
    ownId: false,
    refs: ['price_list_id', 'unit_id'],
    restored: true,
  },
  { table: 'discount_rules', ...byProject, ownId: true, refs: ['project_id'], restored: true },
  { table: 'payment_plans', ...byProject, ownId: true, refs: ['project_id'], restored: true },
  {
    table: 'presale_permits',
    ...byProject,
    ownId: true,
    refs: ['project_id'],
    arrayRefs: ['building_ids', 'unit_ids'],
    restored: true,
  },
  {
    table: 'queue_categories',
    ...byProject,
    ownId: true,
    refs: ['project_id'],
    overrides: { counter: '0' },
    restored: true,
  },
  {
    table: 'receipt_books',
    // The books in use, as definitions: the numbers issued in the real project are not the rehearsal's.
    where: `s.project_id = $1::uuid AND s.status = 'ACTIVE'`,
    owned: 'r.project_id = $1::uuid',
    ownId: true,
    refs: ['project_id'],
    overrides: { next_number: 's.first_number', closed_at: 'NULL' },
    restored: true,
  },
  { table: 'teams', ...byProject, ownId: true, refs: ['project_id'], restored: false },
  {
    table: 'project_members',
    ...byProject,
    ownId: false,
    refs: ['project_id', 'team_id'],
    restored: false,
  },
];

/**
 * The practice data a reset deletes, in an order the foreign keys accept (receipts before their
 * payments and books). Devices, members, teams and the audit log are not here: they stay.
 */
export const OPERATIONAL_TABLES: readonly string[] = [
  'void_requests',
  'receipts',
  'documents',
  'payments',
  'day_closes',
  'change_requests',
  'price_approvals',
  'subscriptions',
  'queue_tickets',
  'registrations',
  'customers',
  'lottery_draws',
];

/** Project columns a reset leaves alone: who the project is, and the versioned sales flag (bumped instead). */
export const PROJECT_IDENTITY_COLUMNS: readonly string[] = [
  'id',
  'code',
  'name',
  'name_en',
  'sort_order',
  'archived_at',
  'created_at',
  'rehearsal_of_id',
  'sales_version',
];
