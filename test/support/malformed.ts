/**
 * Malformed input derived from a zod schema of the contract (a route's params, query or body; a hub
 * command's payload): a value shaped like what the schema takes, then one or two mutations at
 * random places — a wrong type, a missing or extra field, a huge string, odd unicode, negative, huge
 * or non-finite numbers, a bad uuid, an array for an object, a prototype-pollution key, deep
 * nesting. The schema itself is the oracle: a case is only kept when the schema refuses it (`refuses`),
 * so the server must refuse it too — and therefore change nothing.
 *
 * Some values cannot be written as a JavaScript value and still be sent (1e999 parses to Infinity, a
 * 100,000-deep array is built as text): they are placeholders, `rawToken(...)`, swapped for their raw
 * JSON text by `toJsonText`.
 */
import fc from 'fast-check';
import { z } from 'zod';

type Json = unknown;
type JsonSchema = Record<string, unknown>;

/** A schema of the contract as JSON Schema (the input side; transforms and refinements read as "anything"). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return {};
  }
}

const RAW = '\u0001raw:';
/** A placeholder for raw JSON text that no JavaScript value serialises to. */
const rawToken = (text: string): string => `${RAW}${text}`;

/** The JSON text of a generated value, placeholders swapped for their raw text. */
export function toJsonText(value: Json): string {
  return JSON.stringify(value).replace(/"\\u0001raw:((?:[^"\\]|\\.)*)"/g, (_m, text: string) =>
    JSON.parse(`"${text}"`),
  );
}

/** The value the server's JSON parser will see in this text (raw tokens parsed), or `ok: false` when it is not JSON. */
export function parsedAsServerSees(text: string): { ok: true; value: Json } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A value the schema takes, as best it can be read from the JSON Schema (exactness is not needed: the oracle decides). */
export function shapedLike(schema: JsonSchema, root: JsonSchema = schema, depth = 0): Json {
  if (depth > 6) return {};
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, JsonSchema>;
    return defs[name] ? shapedLike(defs[name], root, depth + 1) : {};
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[k] as JsonSchema[] | undefined;
    if (options?.length) return shapedLike(options[0]!, root, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>))
        out[key] = shapedLike(sub, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: Math.min(min, 3) || 1 }, () => shapedLike(items, root, depth + 1));
    }
    case 'string':
      if (schema.format === 'uuid') return '3f0b8e4e-6d1c-4c1b-9a3e-2f5d7c9b1a00';
      if (schema.format === 'date-time') return '2026-12-07T10:00:00.000Z';
      if (schema.format === 'date') return '2026-12-07';
      return 'a'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Every path into a value (objects' keys, arrays' indexes), the root included as []. */
function pathsOf(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

const BAD_UUIDS = [
  '',
  'not-a-uuid',
  '3f0b8e4e-6d1c-4c1b-9a3e-2f5d7c9b1a0',
  '3f0b8e4e-6d1c-4c1b-9a3e-2f5d7c9b1a000',
  '3F0B8E4E6D1C4C1B9A3E2F5D7C9B1A00',
  '{3f0b8e4e-6d1c-4c1b-9a3e-2f5d7c9b1a00}',
  ' 3f0b8e4e-6d1c-4c1b-9a3e-2f5d7c9b1a00',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  '../../etc/passwd',
  "' OR 1=1 --",
];

/** Raw JSON numbers a JavaScript value cannot be: Infinity, −Infinity, underflow, beyond 2^64, exponent forms. */
const RAW_NUMBERS = ['1e999', '-1e999', '1e-400', '-0', '123456789012345678901234567890', '1E+2', '0.1e1'];

/** One hostile value: wrong types, extremes, odd text. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    -(2 ** 31),
    2 ** 53 + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
  ),
  fc.constantFrom(...RAW_NUMBERS).map(rawToken),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...BAD_UUIDS),
  fc.constantFrom('NaN', 'Infinity', '-1', '1e999', 'true', 'null', '[]', '{}', '0x10', '１２３'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => '界'.repeat(n)),
  fc.constantFrom([], [[]], [null], {}, { a: 1 }, [{}], [1, 'a', null]),
  fc.integer({ min: 50, max: 100_000 }).map((n) => rawToken(`${'['.repeat(n)}${']'.repeat(n)}`)),
  fc.integer({ min: 50, max: 20_000 }).map((n) => rawToken(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
);

/** Names of extra fields: prototype pollution, look-alikes, odd text. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'admin',
    'role',
    'id',
    '',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);

function clone(value: Json): Json {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Set an own property, even one named `__proto__` (an assignment would change the prototype instead). */
function put(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Mutation =
  | { kind: 'replace'; value: Json }
  | { kind: 'drop' }
  | { kind: 'extra'; key: string; value: Json }
  | { kind: 'wrap' }
  | { kind: 'nest'; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: hostileValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drop' as const }) },
  {
    weight: 2,
    arbitrary: fc.tuple(hostileKey, hostileValue).map(([key, value]) => ({ kind: 'extra' as const, key, value })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 64 }).map((depth) => ({ kind: 'nest' as const, depth })) },
);

/** Apply one mutation at `path` of `root` (a copy); the new root. */
function apply(root: Json, path: (string | number)[], m: Mutation): Json {
  const copy = clone(root);
  const change = (value: Json): Json => {
    switch (m.kind) {
      case 'replace':
        return m.value;
      case 'drop':
        return undefined;
      case 'extra': {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const out = { ...(value as Record<string, Json>) };
          put(out, m.key, m.value);
          return out;
        }
        const out: Record<string, Json> = {};
        put(out, m.key, m.value);
        return out;
      }
      case 'wrap':
        return Array.isArray(value) ? { 0: value[0] } : [value];
      case 'nest': {
        let v = value;
        for (let i = 0; i < m.depth; i++) v = i % 2 ? [v] : { v };
        return v;
      }
    }
  };
  if (path.length === 0) return change(copy);
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const next = change(parent[last]);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (Array.isArray(parent)) parent[Number(last)] = next;
  else put(parent as Record<string, Json>, String(last), next);
  return copy;
}

/** A malformed value derived from `schema`: its shape with one to three mutations at random paths. */
export function malformedFrom(schema: z.ZodType): fc.Arbitrary<Json> {
  const base = shapedLike(jsonSchemaOf(schema));
  return fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }).map((steps) => {
    let value = base;
    for (const [pick, m] of steps) {
      const paths = pathsOf(value);
      value = apply(value, paths[pick % paths.length]!, m);
    }
    return value;
  });
}

/** Does the schema refuse this value (what the server's validator will run)? */
export function refuses(schema: z.ZodType | undefined, value: Json): boolean {
  if (!schema) return false;
  try {
    return !schema.safeParse(value).success;
  } catch {
    // A schema that throws on a value (a refinement reading a missing field) is refused by the server too.
    return true;
  }
}
