export function connect() {
  throw new Error('k6/ws connect() called in the stub: only module loading is checked');
}
export default { connect };
