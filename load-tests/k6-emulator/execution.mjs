import { state } from './state.mjs';

export default {
  get vu() {
    return state.vu;
  },
  get scenario() {
    return state.scenario;
  },
  instance: { vusActive: 0, vusInitialized: 0 },
  test: {
    abort(reason) {
      throw new Error(`test.abort: ${reason ?? ''}`);
    },
  },
};
