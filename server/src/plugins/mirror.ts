/**
 * The Redis mirror of unit status (DESIGN.md "the mirror"): checked against PostgreSQL before the
 * first request, then kept by the watchdog (selling/mirror-keeper.ts) until close.
 */
import fp from 'fastify-plugin';

export interface MirrorPluginOptions {
  /**
   * `rebuild` (hub processes): a merge by version from PostgreSQL — screens are told to resync only
   * when the mirror had drifted. `ensure` (the worker): build only a project whose mirror is missing.
   */
  atStart: 'rebuild' | 'ensure';
}

export const mirrorPlugin = fp<MirrorPluginOptions>(
  async (app, opts) => {
    const { keeper, projects } = app.services;
    app.addHook('onReady', async () => {
      for (const projectId of await projects.get(true)) {
        if (opts.atStart === 'rebuild') await keeper.rebuild(projectId);
        else await keeper.ensure(projectId);
      }
      keeper.start();
    });
    app.addHook('onClose', () => keeper.stop());
  },
  { name: 'mirror', dependencies: ['services'] },
);
