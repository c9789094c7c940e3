/** Types of socketio.js (the k6 framing helper), for the TypeScript tests that import it. */
export declare const ENGINE: { OPEN: '0'; CLOSE: '1'; PING: '2'; PONG: '3'; MESSAGE: '4'; UPGRADE: '5'; NOOP: '6' };
export declare const PACKET: {
  CONNECT: 0;
  DISCONNECT: 1;
  EVENT: 2;
  ACK: 3;
  CONNECT_ERROR: 4;
  BINARY_EVENT: 5;
  BINARY_ACK: 6;
};

export interface SocketPacket {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

export interface DecodedFrame {
  engine: 'open' | 'close' | 'ping' | 'pong' | 'message' | 'upgrade' | 'noop';
  data?: unknown;
  packet?: SocketPacket;
}

export declare function socketIoUrl(baseUrl: string): string;
export declare function encodePacket(packet: { type: number; nsp?: string; id?: number; data?: unknown }): string;
export declare function decodePacket(text: string): SocketPacket;
export declare function encodeFrame(packet: { type: number; nsp?: string; id?: number; data?: unknown }): string;
export declare function decodeFrame(frame: string): DecodedFrame;
export declare function connectFrame(nsp: string, auth?: unknown): string;
export declare function eventFrame(nsp: string, event: string, payload?: unknown, id?: number): string;
export declare function ackFrame(nsp: string, id: number, args: unknown[]): string;

export type AckCallback = (response: unknown, elapsedMs: number, error?: 'TIMEOUT' | 'DISCONNECTED') => void;

export declare class SocketIOSession {
  constructor(opts: { nsp?: string; auth?: unknown; send: (text: string) => void; now?: () => number });
  nsp: string;
  connected: boolean;
  sid: string | null;
  engine: { sid: string; pingInterval: number; pingTimeout: number; maxPayload?: number } | null;
  pings: number;
  onConnect(fn: (data: unknown) => void): void;
  onConnectError(fn: (data: { message: string; data?: unknown }) => void): void;
  onDisconnect(fn: (reason: string) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own argument types; unknown[] would refuse typed handlers.
  on(event: string, fn: (...args: any[]) => void): void;
  emit(event: string, payload?: unknown, cb?: AckCallback): number | undefined;
  pending(): number;
  expireAcks(timeoutMs: number): number;
  handleFrame(frame: string): void;
  closed(reason: string): void;
}

export interface SeqChange {
  seq: number;
  [key: string]: unknown;
}

export declare class SeqFollower {
  constructor(seq: number);
  seq: number;
  gaps: number;
  stale: number;
  plan(frame: {
    changes: SeqChange[];
  }): { kind: 'apply'; changes: SeqChange[] } | { kind: 'stale' } | { kind: 'gap'; expected: number; got: number };
  apply(frame: {
    changes: SeqChange[];
  }): { kind: 'apply'; changes: SeqChange[] } | { kind: 'stale' } | { kind: 'gap'; expected: number; got: number };
}
