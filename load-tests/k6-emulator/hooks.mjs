const MODULES = {
  k6: 'k6.mjs',
  'k6/http': 'http.mjs',
  'k6/ws': 'ws.mjs',
  'k6/metrics': 'metrics.mjs',
  'k6/execution': 'execution.mjs',
  'k6/timers': 'timers.mjs',
};

export async function resolve(specifier, context, next) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    const file = MODULES[specifier];
    if (!file) throw new Error(`k6 module not emulated: ${specifier}`);
    return { url: new URL(file, import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
