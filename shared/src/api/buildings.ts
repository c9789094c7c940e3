/**
 * Project setup of buildings and units (房产维护, docs/buildings.md): generate a building from a
 * pattern (preview, then create), layouts 户型, list prices by formula (preview, then apply), the
 * unit grid editor (layout, prices, filed price 备案价, kind of many units at once), deletion of
 * units never sold (批量删除) and of whole buildings, and the project's filed-price rule.
 */
import { z } from 'zod';
import { buildingPatternSchema, unitKindSchema, UNIT_KINDS } from '../building-pattern.js';
import { emptyBodySchema, idSchema, projectRefSchema } from '../schemas.js';
import { MAX_PRICE_FEN } from '../payment-plans.js';
import { layoutBodySchema, layoutSchema, priceFormulaSchema } from '../unit-setup.js';
import { UNIT_STATUSES } from '../unit-status.js';
import { defineRoute } from './route.js';

export const buildingRefSchema = z.strictObject({ buildingId: idSchema });
export const layoutRefSchema = z.strictObject({ layoutId: idSchema });

const floorNameSchema = z.object({ floor: z.number().int(), label: z.string(), labelEn: z.string() });

/** A building as the setup screens list it. */
export const buildingSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  /** Highest floor number (the unit import accepts floors 1 … this). */
  floors: z.number().int(),
  /** Most positions on a floor. */
  unitsPerFloor: z.number().int(),
  /** Storeys without units (架空层). */
  namedFloors: z.array(floorNameSchema),
  unitCount: z.number().int(),
  /** Units by kind. */
  kinds: z.record(z.enum(UNIT_KINDS), z.number().int()),
  /** Units ever released, locked or sold (a building with any cannot be deleted). */
  lockedOrSold: z.number().int(),
});
export type BuildingSummary = z.infer<typeof buildingSummarySchema>;

/** One unit of a preview (nothing is written). */
export const previewUnitSchema = z.object({
  code: z.string(),
  floor: z.number().int(),
  position: z.number().int(),
  stairwell: z.number().int(),
  kind: unitKindSchema,
  layoutCode: z.string().nullable(),
  floorSpan: z.number().int(),
  /** Gross area from the layout, m² (0 without one). */
  grossArea: z.number(),
});

export const buildingPreviewSchema = z.object({
  code: z.string(),
  /** Storeys, top first (named floors and basements included). */
  floors: z.array(
    z.object({
      floor: z.number().int(),
      label: z.string(),
      labelEn: z.string(),
      named: z.boolean(),
      duplexUpper: z.array(z.number().int()),
    }),
  ),
  units: z.array(previewUnitSchema),
  columns: z.number().int(),
  topFloor: z.number().int(),
  /** Layout codes the pattern names that the project does not have (creation refuses them). */
  unknownLayouts: z.array(z.string()),
  /** Codes the project already has (creation refuses UNIT_CODE_TAKEN). */
  takenCodes: z.array(z.string()),
});
export type BuildingPreview = z.infer<typeof buildingPreviewSchema>;

export const createdBuildingSchema = z.object({ building: buildingSummarySchema, created: z.number().int() });

/** A unit with every fact the setup grid edits (managers only: the floor price is in it). */
export const setupUnitSchema = z.object({
  id: z.string(),
  code: z.string(),
  buildingId: z.string(),
  floor: z.number().int(),
  position: z.number().int(),
  stairwell: z.number().int(),
  floorSpan: z.number().int(),
  kind: unitKindSchema,
  layoutId: z.string().nullable(),
  layout: z.string(),
  layoutName: z.string(),
  grossArea: z.number(),
  netArea: z.number(),
  orientation: z.string(),
  listPrice: z.number().int(),
  floorPrice: z.number().int(),
  filedPrice: z.number().int().nullable(),
  status: z.enum(UNIT_STATUSES),
  /** Never released, locked or sold: may be deleted, and its prices set here. */
  editable: z.boolean(),
});
export type SetupUnit = z.infer<typeof setupUnitSchema>;

export const setupUnitsQuerySchema = z.strictObject({ buildingId: idSchema.optional() });

const feNSchema = z.number().int().min(0).max(MAX_PRICE_FEN);

/**
 * Set facts of many units at once (the grid editor). Layout, kind and prices change only on units
 * never released (NOT_RELEASED, never locked or sold); the filed price on any unit not sold.
 */
export const editUnitsBodySchema = z
  .strictObject({
    unitIds: z.array(idSchema).min(1).max(3000),
    layoutId: idSchema.optional(),
    kind: unitKindSchema.optional(),
    listPrice: feNSchema.optional(),
    floorPrice: feNSchema.optional(),
    /** null clears the filed price. */
    filedPrice: feNSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 1, 'at least one fact to set');
export type EditUnitsBody = z.infer<typeof editUnitsBodySchema>;

export const deleteUnitsBodySchema = z.strictObject({ unitIds: z.array(idSchema).min(1).max(3000) });

export const formulaRowSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  basePrice: z.number().int(),
  listPrice: z.number().int(),
  floorPrice: z.number().int(),
  filedPrice: z.number().int().nullable(),
  /** The unit's prices now (the preview shows before → after). */
  currentListPrice: z.number().int(),
});
export const formulaPreviewSchema = z.object({
  rows: z.array(formulaRowSchema),
  /** Units in scope that keep their prices (released, locked or sold: their prices change in the price book). */
  skippedCodes: z.array(z.string()),
});

export const filedPriceRuleSchema = z.strictObject({ refuseAboveFiledPrice: z.boolean() });

const countSchema = z.object({ count: z.number().int() });

export const buildingsApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/buildings',
    summary: 'The buildings of a project with their unit counts (setup).',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: z.array(buildingSummarySchema) },
    errors: [],
  }),
  preview: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/buildings/preview',
    summary: 'The units a building pattern would create (nothing is written).',
    access: 'manage',
    params: projectRefSchema,
    body: buildingPatternSchema,
    responses: { 200: buildingPreviewSchema },
    errors: [],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/buildings',
    summary: 'Generate a building and its units (NOT_RELEASED) from a pattern, all or nothing.',
    access: 'manage',
    params: projectRefSchema,
    body: buildingPatternSchema,
    responses: { 201: createdBuildingSchema },
    errors: ['UNIT_CODE_TAKEN', 'CONFLICT', 'PROJECT_ARCHIVED'],
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/api/buildings/:buildingId',
    summary: 'Delete a building whose units were never released, locked or sold.',
    access: 'manage',
    params: buildingRefSchema,
    body: emptyBodySchema,
    responses: { 200: countSchema },
    errors: ['NOT_DELETABLE', 'PROJECT_ARCHIVED'],
  }),
  units: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/setup-units',
    summary: 'Every unit with the facts the setup grid edits (optionally of one building).',
    access: 'manage',
    params: projectRefSchema,
    query: setupUnitsQuerySchema,
    responses: { 200: z.array(setupUnitSchema) },
    errors: [],
  }),
  editUnits: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/units/edit',
    summary: 'Set layout, kind, prices or filed price of many units at once (all or nothing).',
    access: 'manage',
    params: projectRefSchema,
    body: editUnitsBodySchema,
    responses: { 200: countSchema },
    errors: ['CONFLICT', 'PROJECT_ARCHIVED'],
  }),
  deleteUnits: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/units/delete',
    summary: 'Delete units never released, locked or sold (批量删除), all or nothing.',
    access: 'manage',
    params: projectRefSchema,
    body: deleteUnitsBodySchema,
    responses: { 200: countSchema },
    errors: ['NOT_DELETABLE', 'PROJECT_ARCHIVED'],
  }),
  layouts: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/layouts',
    summary: 'The layouts 户型 of a project.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: z.array(layoutSchema) },
    errors: [],
  }),
  createLayout: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/layouts',
    summary: 'Create a layout 户型 (code unique in the project).',
    access: 'manage',
    params: projectRefSchema,
    body: layoutBodySchema,
    responses: { 201: layoutSchema },
    errors: ['CONFLICT'],
  }),
  updateLayout: defineRoute({
    method: 'PUT',
    path: '/api/layouts/:layoutId',
    summary: 'Edit a layout; its units never sold take the new facts, sold ones keep theirs.',
    access: 'manage',
    params: layoutRefSchema,
    body: layoutBodySchema,
    responses: { 200: layoutSchema.extend({ unitsUpdated: z.number().int(), unitsKept: z.number().int() }) },
    errors: ['CONFLICT', 'PROJECT_ARCHIVED'],
  }),
  formulaPreview: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/price-formula/preview',
    summary: 'List prices by formula (base + 层差 + position factor, rounded): the rows, nothing written.',
    access: 'manage',
    params: projectRefSchema,
    body: priceFormulaSchema,
    responses: { 200: formulaPreviewSchema },
    errors: [],
  }),
  formulaApply: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/price-formula/apply',
    summary: 'Apply the formula to the units never released in its scope (one transaction).',
    access: 'manage',
    params: projectRefSchema,
    body: priceFormulaSchema,
    responses: { 200: countSchema },
    errors: ['CONFLICT', 'PROJECT_ARCHIVED'],
  }),
  getFiledPriceRule: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/filed-price-rule',
    summary: 'Whether the project refuses deals above the filed price 备案价.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: filedPriceRuleSchema },
    errors: [],
  }),
  filedPriceRule: defineRoute({
    method: 'PUT',
    path: '/api/projects/:projectId/filed-price-rule',
    summary: 'Turn on or off the rule refusing a deal above the filed price 备案价.',
    access: 'manage',
    params: projectRefSchema,
    body: filedPriceRuleSchema,
    responses: { 200: filedPriceRuleSchema },
    errors: [],
  }),
};
