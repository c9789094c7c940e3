/**
 * A second hub process for tests (`startSecondHub` in app.ts spawns it): the same PostgreSQL, Redis and
 * key prefix as the test server, but its own process — its own pools, services, mirror client and
 * sockets, as one of `npm start -- --nodes N`'s hubs. It prints nothing; it tells the parent its URL
 * over IPC and closes on SIGTERM.
 */
import { buildApp } from '../../server/src/app.js';
import type { AppConfig } from '../../server/src/config/index.js';

const raw = JSON.parse(process.env.KAIPAN_TEST_HUB_CONFIG ?? '{}') as Omit<AppConfig, 'customerDataKey'> & {
  customerDataKey: string;
};
const config: AppConfig = { ...raw, customerDataKey: Buffer.from(raw.customerDataKey, 'base64'), port: 0, role: 'hub' };
const app = await buildApp(config);
const url = await app.listen();
process.send?.({ url });
const stop = (): void => {
  void app.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
