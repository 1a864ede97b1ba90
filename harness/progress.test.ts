import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from './progress.ts';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { isTTY, columns: 60, write: (t: string) => void out.push(t) } };
}

describe('progress', () => {
  it('logs one plain line per finished cell when not on a terminal, counting resumed cells', () => {
    const { out, sink: s } = sink(false);
    const p = new Progress(5, 2, s);
    p.start('gh (6,6,10) seed 1 S1');
    p.finish('gh (6,6,10) seed 1 S1', 'completed');
    p.close();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\[3\/5\] gh \(6,6,10\) seed 1 S1: completed \(ETA \d+s\)\n$/);
  });

  it('rewrites one line, cut to the terminal width, on a terminal', () => {
    const { out, sink: s } = sink(true);
    const p = new Progress(3, 0, s);
    p.start(`agh ${'x'.repeat(100)}`);
    p.close();
    expect(out[0].startsWith('\r\x1b[K0/3 cells, ETA ?  agh')).toBe(true);
    expect(out[0].length).toBeLessThanOrEqual('\r\x1b[K'.length + 59);
    expect(out.at(-1)).toBe('\n');
  });

  it('formats durations', () => {
    expect([formatDuration(4_400), formatDuration(125_000), formatDuration(7_500_000)]).toEqual(['4s', '2m05s', '2h05m']);
  });
});
