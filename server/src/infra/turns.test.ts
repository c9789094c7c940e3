import { describe, expect, it } from 'vitest';
import { Turns } from './turns.js';

describe('Turns', () => {
  it('runs the tasks of one key one at a time, in order, past failures; other keys alongside', async () => {
    const turns = new Turns();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running += 1;
        most = Math.max(most, running);
        log.push(`${name} start`);
        await new Promise((r) => setImmediate(r));
        log.push(`${name} end`);
        running -= 1;
        if (fail) throw new Error(name);
        return name;
      };
    const a1 = turns.run('a', task('a1'));
    const a2 = turns.run('a', task('a2', true));
    const a3 = turns.run('a', task('a3'));
    const b1 = turns.run('b', task('b1'));
    expect(await a1).toBe('a1');
    await expect(a2).rejects.toThrow('a2');
    expect(await a3).toBe('a3');
    expect(await b1).toBe('b1');
    const ofA = log.filter((l) => l.startsWith('a'));
    expect(ofA).toEqual(['a1 start', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
    expect(most).toBe(2); // a and b side by side, never two of a
  });
});
