import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Buildings, units, layouts and formula prices of a project's setup (docs/buildings.md). */
export function buildingHandlers(services: Services): Handlers<typeof API.buildings> {
  const { buildings, unitSetup } = services;
  return {
    list: ({ principal, params }) => buildings.list(principal, params.projectId),
    preview: ({ principal, params, body }) => buildings.preview(principal, params.projectId, body),
    create: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await buildings.create(principal, params.projectId, body)),
    remove: ({ principal, params }) => buildings.removeBuilding(principal, params.buildingId),
    units: ({ principal, params, query }) => buildings.units(principal, params.projectId, query.buildingId),
    editUnits: ({ principal, params, body }) => buildings.editUnits(principal, params.projectId, body),
    deleteUnits: ({ principal, params, body }) => buildings.deleteUnits(principal, params.projectId, body.unitIds),
    layouts: ({ principal, params }) => unitSetup.layouts(principal, params.projectId),
    createLayout: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await unitSetup.createLayout(principal, params.projectId, body)),
    updateLayout: ({ principal, params, body }) => unitSetup.updateLayout(principal, params.layoutId, body),
    formulaPreview: ({ principal, params, body }) => unitSetup.previewFormula(principal, params.projectId, body),
    formulaApply: ({ principal, params, body }) => unitSetup.applyFormula(principal, params.projectId, body),
    getFiledPriceRule: ({ principal, params }) => unitSetup.filedPriceRule(principal, params.projectId),
    filedPriceRule: ({ principal, params, body }) =>
      unitSetup.setFiledPriceRule(principal, params.projectId, body.refuseAboveFiledPrice),
  };
}
