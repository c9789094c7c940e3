import { describe, expect, it } from 'vitest';
import {
  canonicalEvent,
  canonicalJson,
  type ChainEventContent,
  ChainWalker,
  describeProblem,
  EMPTY_TIP,
  type SealedEvent,
  sealEvents,
  toHex,
} from './audit-chain.js';

const event = (id: number, after: unknown = { price: 100_000_00, buyer: '张三' }): ChainEventContent => ({
  id: String(id),
  projectId: '6f1c7d0e-8a7b-4c52-9d0a-0a4b1c2d3e4f',
  actorId: 'u1',
  actorKind: 'user',
  actorName: 's001',
  action: 'unit.confirm',
  entity: 'unit',
  entityId: 'unit-1',
  before: { status: 'LOCKED' },
  after,
  device: 'phone',
  createdAt: new Date('2026-12-07T01:02:03.456Z'),
});

/** A sealed chain of `n` events, as stored. */
function chain(n: number): SealedEvent[] {
  const { sealed } = sealEvents(
    EMPTY_TIP,
    Array.from({ length: n }, (_, i) => event(100 + i)),
    new Date('2026-12-07T01:02:04.000Z'),
  );
  return sealed.map((s, i) => ({ ...event(100 + i), ...s.seal, hash: s.hash }));
}

function walk(events: SealedEvent[]): ChainWalker {
  const walker = new ChainWalker();
  for (const e of events) walker.push(e);
  return walker;
}

describe('canonical form', () => {
  it('sorts object keys at every level, keeps array order, ms UTC times, null for absent', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(new Date('2026-12-07T01:02:03.4Z'))).toBe('"2026-12-07T01:02:03.400Z"');
    expect(canonicalJson(12_345_678_901_234_567_890n)).toBe('12345678901234567890');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('is the same for the same event whatever order jsonb gave the keys in', () => {
    const seal = { seq: 1n, prevId: null, sealedAt: new Date(0) };
    expect(canonicalEvent(event(1, { a: 1, b: 2 }), seal)).toBe(canonicalEvent(event(1, { b: 2, a: 1 }), seal));
    expect(canonicalEvent(event(1, { a: 1 }), seal)).not.toBe(canonicalEvent(event(1, { a: 2 }), seal));
    expect(canonicalEvent(event(1), seal)).toContain('"kaipan-audit-v1","1",null,"1970-01-01T00:00:00.000Z","1",');
  });
});

describe('sealing and walking a chain', () => {
  it('links each event to the one before; an intact chain has no problem', () => {
    const events = chain(5);
    expect(events.map((e) => e.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(events.map((e) => e.prevId)).toEqual([null, '100', '101', '102', '103']);
    expect(new Set(events.map((e) => toHex(e.hash))).size).toBe(5);
    const walker = walk(events);
    expect(walker.problems).toEqual([]);
    expect(walker.head?.id).toBe('104');
  });

  it('continues a chain from its tip exactly as sealing it in one go', () => {
    const all = chain(4);
    const first = sealEvents(EMPTY_TIP, [event(100), event(101)], all[0]!.sealedAt);
    const rest = sealEvents(first.tip, [event(102), event(103)], all[0]!.sealedAt);
    expect(rest.sealed.map((s) => toHex(s.hash))).toEqual(all.slice(2).map((e) => toHex(e.hash)));
  });

  it('names an altered event, and only it', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, after: { price: 1, buyer: '张三' } };
    expect(walk(events).problems).toEqual([{ kind: 'altered', eventId: '102', seq: 3n, precedingId: '101' }]);
    const resealed = chain(5);
    resealed[3] = { ...resealed[3]!, sealedAt: new Date('2026-12-08T00:00:00.000Z') };
    expect(walk(resealed).problems).toMatchObject([{ kind: 'altered', eventId: '103' }]);
  });

  it('names a missing event by the id its successor recorded; several: their positions and the last id', () => {
    const events = chain(6);
    expect(walk(events.filter((e) => e.id !== '102')).problems).toEqual([
      { kind: 'missing', eventId: '102', seq: 3n, count: 1n, lastMissingId: '102' },
    ]);
    const problems = walk(events.filter((e) => e.id !== '102' && e.id !== '103')).problems;
    expect(problems).toEqual([{ kind: 'missing', eventId: null, seq: 3n, count: 2n, lastMissingId: '103' }]);
    expect(describeProblem(problems[0]!)).toBe(
      '2 events are missing at chain positions 3–4 (the last of them: event 103)',
    );
    // The first event gone: position 1 is missing.
    expect(walk(events.slice(1)).problems).toMatchObject([{ kind: 'missing', eventId: '100', seq: 1n }]);
  });

  it('names an event slipped in with a seal of its own', () => {
    const events = chain(3);
    const forged: SealedEvent = {
      ...event(999),
      seq: 4n,
      prevId: '102',
      sealedAt: new Date(),
      hash: new Uint8Array(32),
    };
    expect(walk([...events, forged]).problems).toEqual([
      { kind: 'altered', eventId: '999', seq: 4n, precedingId: '102' },
    ]);
  });

  it('a rewritten event re-hashed to the end verifies — only a head kept elsewhere shows it', () => {
    const events = chain(5);
    const printed = toHex(events[4]!.hash);
    const rewritten = sealEvents(
      { seq: 2n, hash: events[1]!.hash, id: '101' },
      [event(102, { price: 1 }), event(103), event(104)],
      events[0]!.sealedAt,
    );
    const forged = [
      ...events.slice(0, 2),
      ...rewritten.sealed.map((s, i) => ({
        ...(i === 0 ? event(102, { price: 1 }) : event(102 + i)),
        ...s.seal,
        hash: s.hash,
      })),
    ];
    const walker = walk(forged);
    expect(walker.problems).toEqual([]);
    expect(toHex(walker.head!.hash)).not.toBe(printed);
  });
});
