import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTextProblem, isAcceptableText, lineProblem, lineText, blockText, textProblem } from './text.js';

/** Every code unit the global rule refuses on its own (surrogates are refused only when unpaired). */
const REFUSED = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d),
  0xfffe,
  0xffff,
].map((c) => String.fromCharCode(c));

describe('the text rule', () => {
  it('accepts what people write: CJK, rare characters outside the BMP, emoji, TAB/LF/CR in multi-line text', () => {
    for (const s of ['张三', '喆 堃 犇', '𠀀𪚥', '👨‍👩‍👧', 'a\tb\nc\r\n', '', 'Ünïcødé', '\u007f\u0085', '\u2028']) {
      expect(textProblem(s)).toBeNull();
      expect(isAcceptableText(s)).toBe(true);
    }
  });

  it('refuses NUL, unpaired surrogates, the other C0 controls and U+FFFE/U+FFFF, naming the character', () => {
    expect(textProblem('a\u0000b')).toBe('must not contain U+0000 (NUL)');
    expect(textProblem('a\ud800')).toMatch(/unpaired surrogate \(U\+D800\)/);
    expect(textProblem('\udc00a')).toMatch(/unpaired surrogate \(U\+DC00\)/);
    expect(textProblem('\udc00\ud800')).toMatch(/unpaired surrogate/); // reversed pair
    expect(textProblem('a\u0007')).toBe('must not contain the control character U+0007');
    expect(textProblem('\uffff')).toBe('must not contain U+FFFF (not a character)');
    for (const c of REFUSED) expect(isAcceptableText(`x${c}y`)).toBe(false);
  });

  it('single-line text also refuses TAB, line breaks, DEL, C1 and U+2028/U+2029', () => {
    for (const c of ['\t', '\n', '\r', '\u007f', '\u0085', '\u2028', '\u2029']) {
      expect(textProblem(`a${c}b`)).toBeNull();
      expect(lineProblem(`a${c}b`)).toMatch(/one line/);
    }
    expect(lineProblem('a\u0000b')).toBe('must not contain U+0000 (NUL)');
    expect(lineProblem('张三 Zhang')).toBeNull();
  });

  it('property: a string is refused exactly when it holds a refused character or an unpaired surrogate', () => {
    const clean = fc
      .string({ unit: 'grapheme', maxLength: 30 })
      .filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
    fc.assert(
      fc.property(clean, clean, fc.constantFrom(...REFUSED, '\ud800', '\udbff', '\udc00', '\udfff'), (a, b, bad) => {
        expect(isAcceptableText(a + b)).toBe(true);
        // A high surrogate followed by a low one would pair up: keep a letter after the inserted unit.
        expect(isAcceptableText(`${a}${bad}x${b}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('findTextProblem', () => {
  it('finds a bad string or property name at any depth, with its path', () => {
    expect(findTextProblem({ a: 'ok', buyer: { name: 'x\u0000' } })).toEqual({
      path: 'buyer.name',
      message: 'must not contain U+0000 (NUL)',
    });
    expect(findTextProblem({ unitIds: ['a', 'b\ud800'] })).toMatchObject({ path: 'unitIds.1' });
    expect(findTextProblem({ 'bad\u0000key': 1 })).toEqual({
      path: 'bad\\u0000key',
      message: 'the field name must not contain U+0000 (NUL)',
    });
    expect(findTextProblem('a\u0001', 'headers.user-agent')).toMatchObject({ path: 'headers.user-agent' });
    expect(findTextProblem('a\u0001')).toMatchObject({ path: '(root)' });
    expect(findTextProblem({ n: 1, b: true, z: null, u: undefined, s: 'fine', d: Buffer.from([0]) })).toBeNull();
  });

  it('walks 100 000 levels of nesting without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextProblem(deep)?.path).toMatch(/^0(\.0)+$/);
  });
});

describe('schemas', () => {
  it('lineText trims, then refuses control characters inside; blockText keeps line breaks', () => {
    expect(lineText(10).parse('  张三\n')).toBe('张三');
    expect(lineText(10).safeParse('张\t三').success).toBe(false);
    expect(lineText(10).safeParse('张\u0000三').error?.issues[0]?.message).toBe('must not contain U+0000 (NUL)');
    expect(lineText(10, 0).parse('')).toBe('');
    expect(blockText(20).parse('第一行\n第二行')).toBe('第一行\n第二行');
    expect(blockText(20).safeParse('a\u0000').success).toBe(false);
  });
});
