import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** The audit hash chain: its head, for managers (docs/audit.md). */
export function auditChainHandlers(services: Services): Handlers<typeof API.auditChain> {
  return {
    head: ({ principal, params }) => services.auditChain.head(principal, params.projectId),
  };
}
