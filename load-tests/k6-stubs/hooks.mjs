// Module resolution hooks: k6 built-ins → local stubs; an unknown k6/* module fails the check.
const STUBS = {
  k6: 'k6.mjs',
  'k6/http': 'http.mjs',
  'k6/ws': 'ws.mjs',
  'k6/metrics': 'metrics.mjs',
  'k6/execution': 'execution.mjs',
  'k6/timers': 'timers.mjs',
  'k6/experimental/websockets': 'websockets.mjs',
};

export async function resolve(specifier, context, next) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    const file = STUBS[specifier];
    if (!file) throw new Error(`k6 module not stubbed (typo?): ${specifier}`);
    return { url: new URL(file, import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
