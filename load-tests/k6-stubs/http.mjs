const notHere = (name) => () => {
  throw new Error(`k6/http ${name}() called in the stub: only module loading is checked`);
};
export const get = notHere('get');
export const post = notHere('post');
export const put = notHere('put');
export const del = notHere('del');
export const request = notHere('request');
export const batch = notHere('batch');
export function expectedStatuses(...statuses) {
  return { statuses };
}
export function setResponseCallback(cb) {
  globalThis.__k6stub.calls.push(['setResponseCallback', cb]);
}
export default { get, post, put, del, request, batch, expectedStatuses, setResponseCallback };
