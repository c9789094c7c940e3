/**
 * The lock sweeper: releases expired locks (services/lock-sweeper.ts). It runs in one process only:
 * the worker of a multi-process deployment, or the single `all` process.
 */
import fp from 'fastify-plugin';
import { LockSweeper } from '../selling/lock-sweeper.js';

export const sweeperPlugin = fp(
  async (app) => {
    const { services, config } = app;
    const sweeper = new LockSweeper(
      services.mirror,
      services.audit,
      services.projects,
      app.log,
      config.lockSweepIntervalMs,
    );
    app.addHook('onReady', async () => sweeper.start());
    app.addHook('onClose', () => sweeper.stop());
  },
  { name: 'sweeper', dependencies: ['config', 'services'] },
);
