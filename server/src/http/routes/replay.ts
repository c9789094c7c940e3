import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Launch replay from the record: docs/replay.md. */
export function replayHandlers(services: Services): Handlers<typeof API.replay> {
  return {
    replay: ({ principal, params, query }) => services.replay.replay(principal, params.projectId, query),
  };
}
