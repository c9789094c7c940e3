export * from './errors.js';
export * from './unit-status.js';
export * from './schemas.js';
export * from './protocol.js';
export * from './stats.js';
export * from './format.js';
export * from './live-state.js';
export * from './lottery.js';
