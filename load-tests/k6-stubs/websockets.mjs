export class WebSocket {
  constructor() {
    throw new Error('k6/experimental/websockets WebSocket used in the stub');
  }
}
export default { WebSocket };
