/** Shapes shared by the bench orchestrator (bench.ts / runner.ts) and its worker processes. */
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@kaipan/shared';
import type { HistogramSet } from './histogram.js';

/** A /hub socket typed with the shared event map, as the web apps have it (client/src/lib/socket.ts). */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SCENARIOS = [
  'launch-storm',
  'steady-selling',
  'board-fanout',
  'api-mix',
  'confirm-throughput',
  'soak',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** What a consultant socket (or HTTP user) does during the window. */
export type Behaviour = 'cycle' | 'storm' | 'http';

export interface ConsultantAssignment {
  /** 0-based index over all consultants of the run. */
  index: number;
  username: string;
  userId: string;
  token: string;
  /** cycle: this consultant's own units (a partition, so consultants do not collide);
   *  storm: the ranked choices (first = its hot unit); http: units it may lock. */
  units: string[];
}

export interface WorkerConfig {
  workerId: number;
  /** Kaipan (real) or the bare socket.io baseline. */
  target: 'kaipan' | 'bare';
  url: string;
  projectId: string;
  behaviour: Behaviour;
  consultants: ConsultantAssignment[];
  boards: number;
  deviceKey: string;
  /** Consultant sockets join the project room (they receive every frame, as the real grid does). */
  consultantsJoin: boolean;
  /** Cycles per consultant per second; 0 = closed loop (next cycle as soon as one ends). */
  rate: number;
  /** ms between lock and confirm/release. */
  holdMs: number;
  /** Probability that a cycle confirms (else it releases). */
  confirmRatio: number;
  ackTimeoutMs: number;
  connectConcurrency: number;
  /** HTTP scenario: weights of the actions. */
  httpMix?: Record<string, number>;
}

export interface StormStats {
  /** wins: first-wave locks granted. Sockets sharing a demo user get the same lock (idempotent), so winners are counted per user. */
  firstWave: { sent: number; answered: number; wins: { unitId: string; consultant: number; username: string }[] };
  /** Consultants that ended with a confirmed unit. */
  secured: number;
  attempts: number;
}

export interface BoardStats {
  boards: number;
  connected: number;
  frames: number;
  changesApplied: number;
  gaps: number;
  /** Frames entirely at or below the board's seq after it had loaded (duplicate or out of order). */
  reorders: number;
  resyncs: number;
  /** Per board: changes it should have seen (seq range) minus changes applied (boards without resync). */
  missed: number;
  minSeq: number;
  maxSeq: number;
}

export interface WorkerStats {
  workerId: number;
  histograms: HistogramSet;
  /** ok counts per command/route. */
  ok: Record<string, number>;
  /** ok counts completed inside the measured window (for throughput). */
  okInWindow: Record<string, number>;
  /** Refusals by error code ("lock:LOCK_HELD", "confirm:UNIT_NOT_AVAILABLE", "http:snapshot:500"…). */
  errors: Record<string, number>;
  timeouts: number;
  disconnects: number;
  connectErrors: number;
  /** Open-loop ticks skipped because the previous cycle had not finished. */
  skippedCycles: number;
  /** Consultants that ran out of units. */
  exhausted: number;
  storm?: StormStats;
  boards: BoardStats;
  /** Distinct subscription ids acked by confirms (a retried/shared-user confirm acks the same id). */
  subscriptionIds: string[];
  /** units:changed frames received by consultant sockets (counted, not parsed). */
  consultantFrames: { frames: number; bytes: number };
  generator: { cpuMs: number; eventLoopP99Ms: number; eventLoopMaxMs: number; rssMB: number };
  setup: { connectMs: number; joinMs: number };
}

export interface BoardVerifyResult {
  boards: number;
  consistent: number;
  /** Boards whose seq is not the server's final seq. */
  behind: number;
  mismatchedUnits: number;
  examples: string[];
}

export type ToWorker =
  | { type: 'init'; config: WorkerConfig }
  | { type: 'start'; startAt: number; durationMs: number }
  | { type: 'stop' }
  | { type: 'verify'; seq: number; statuses: Record<string, string> }
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready'; connectMs: number; joinMs: number; failed: number }
  | { type: 'finished' }
  | { type: 'done'; stats: WorkerStats }
  | { type: 'verified'; result: BoardVerifyResult }
  | { type: 'fatal'; message: string };
