/**
 * The one rule for text that may enter Kaipan (docs/protocol.md "Text that may enter").
 *
 * Every string a client sends — JSON bodies (keys and values, at any depth), query strings, route
 * parameters, headers kept as data, hub command payloads, cells of an imported sheet — must be text
 * that every store and every output of the system can hold:
 * - no U+0000: PostgreSQL `text` and `jsonb` cannot hold it (the request used to end in a 500);
 * - no unpaired surrogate (U+D800–U+DFFF outside a pair): it is not a character and has no UTF-8
 *   form (PostgreSQL refuses `\ud800` in jsonb; a text column would silently get U+FFFD instead);
 * - no other C0 control character than TAB, LF and CR, and neither U+FFFE nor U+FFFF: XML 1.0
 *   cannot hold them, so one in a unit's text makes an XLSX export that Excel refuses to open.
 * In short: the characters XML 1.0 allows. No keyboard types the others, so refusing them loses
 * nothing a person meant; refusing (VALIDATION_FAILED naming the field) rather than silently
 * stripping means what is stored is exactly what was sent.
 *
 * Single-line fields (names, codes, searches, short reasons) must also be one line: no control character
 * at all (TAB, LF, CR, DEL and the C1 range included) and no U+2028/U+2029. Boards, receipts and
 * lists show them on one line, and a line break inside a name would forge lines in a CSV export or
 * a log. Leading and trailing white space is trimmed before the check, so a pasted name ending in a
 * newline is fine. Multi-line fields (notes, reasons typed in a text area, agreement terms) keep
 * TAB, LF and CR.
 *
 * Pure: used by the server's transports (every route and hub command) and by the shared schemas,
 * so forms refuse the same text before sending it.
 */
import { z } from 'zod';

/** What the global rule refuses: C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, unpaired surrogates. */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What single-line fields refuse besides: every control character (Cc) and the Unicode line breaks. */
const LINE_BREAKING = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** Cheap pre-check: every string the rule could refuse holds one of these (most text holds none). */
const SUSPECT = /[\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

const codePoint = (unit: number): string => `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` may not enter the system (an English phrase for error details), or null when it may. */
export function textProblem(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  const m = FORBIDDEN.exec(text);
  if (!m) return null;
  const unit = m[0].charCodeAt(0);
  if (unit === 0) return 'must not contain U+0000 (NUL)';
  if (unit >= 0xd800 && unit <= 0xdfff)
    return `must not contain an unpaired surrogate (${codePoint(unit)}): it is not a character`;
  if (unit >= 0xfffe) return `must not contain ${codePoint(unit)} (not a character)`;
  return `must not contain the control character ${codePoint(unit)}`;
}

/** `textProblem`, and for a single-line field also any control character or line break. */
export function lineProblem(text: string): string | null {
  const problem = textProblem(text);
  if (problem) return problem;
  const m = LINE_BREAKING.exec(text);
  return m ? `must be one line without control characters (found ${codePoint(m[0].charCodeAt(0))})` : null;
}

/** True when `text` may enter the system (see the module comment). */
export function isAcceptableText(text: string): boolean {
  return !SUSPECT.test(text) || !FORBIDDEN.test(text);
}

/** A property name as it appears in an error path: escaped when it holds what the rule refuses. */
function keyLabel(key: string): string {
  return isAcceptableText(key) && !LINE_BREAKING.test(key) ? key : JSON.stringify(key).slice(1, -1);
}

/**
 * The first string in `value` (a parsed JSON body, a query object, a hub payload…) that breaks the
 * rule, as a `{path, message}` issue in the same form as schema errors; property names are checked
 * too. Iterative, so a deeply nested body cannot overflow the stack; O(size of the value).
 * `prefix`: the path of `value` itself (e.g. `x-kaipan-device` for a header), '' for a whole body.
 */
export function findTextProblem(value: unknown, prefix = ''): { path: string; message: string } | null {
  // Paths are built only for the problem found: a node keeps its parent and key.
  type Node = { value: unknown; parent: Node | null; key: string };
  const pathOf = (node: Node, last?: string): string => {
    const keys: string[] = last === undefined ? [] : [last];
    for (let n: Node | null = node; n && n.parent; n = n.parent) keys.push(n.key);
    if (prefix) keys.push(prefix);
    return keys.reverse().join('.') || '(root)';
  };
  const stack: Node[] = [{ value, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path: pathOf(node), message: problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, key: String(i) });
    } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const problem = textProblem(key);
        if (problem) return { path: pathOf(node, keyLabel(key)), message: `the field name ${problem}` };
        stack.push({ value: (v as Record<string, unknown>)[key], parent: node, key });
      }
    }
  }
  return null;
}

/**
 * A single-line text field: trimmed, `min`–`max` characters, one line of acceptable text.
 * The schema for names, reasons, codes and searches (see the module comment).
 */
export function lineText(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => lineProblem(s) === null, {
      error: (issue) => lineProblem(String(issue.input)) ?? 'must be one line of text',
    });
}

/** A multi-line text field (notes, terms): TAB, LF and CR allowed, the rest of the rule applies. */
export function blockText(max: number, min = 0) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => textProblem(s) === null, { error: (issue) => textProblem(String(issue.input)) ?? 'must be text' });
}
