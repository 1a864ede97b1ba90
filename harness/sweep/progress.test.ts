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
    expect(out[0].startsWith('\r\x1b[K0/3 cells, ETA estimating  agh')).toBe(true);
    expect(out[0].length).toBeLessThanOrEqual('\r\x1b[K'.length + 59);
    expect(out.at(-1)).toBe('\n');
  });

  it("logs a long cell's step counter and its own ETA, measured from its steps, at most every 30 s", () => {
    const { out, sink: s } = sink(false);
    let now = 0;
    const p = new Progress(2, 0, s, () => now);
    p.start('agh-5min σ=0.05 path 0');
    now = 10_000;
    p.steps('agh-5min σ=0.05 path 0', { done: 72, total: 288, unit: 'slots' });
    expect(out).toEqual([]); // too soon after the start
    now = 60_000;
    p.steps('agh-5min σ=0.05 path 0', { done: 144, total: 288, unit: 'slots' });
    // 72 slots in the 50 s since the first report: 144 more take 100 s; no cell finished, so the run needs at least that
    expect(out).toEqual(['  … agh-5min σ=0.05 path 0: 144/288 slots, cell ETA 1m40s (all cells: ETA 1m40s)\n']);
    now = 70_000;
    p.steps('agh-5min σ=0.05 path 0', { done: 168, total: 288, unit: 'slots' });
    expect(out).toHaveLength(1);
    p.finish('agh-5min σ=0.05 path 0', 'completed');
    expect(out[1]).toBe('[1/2] agh-5min σ=0.05 path 0: completed (ETA 1m10s)\n');
  });

  it('never promises the run sooner than its slowest running cell can finish', () => {
    const { out, sink: s } = sink(false);
    let now = 0;
    const p = new Progress(4, 0, s, () => now);
    p.start('slow');
    p.start('quick 1');
    now = 10_000;
    p.finish('quick 1', 'completed');
    p.start('quick 2');
    now = 20_000;
    p.finish('quick 2', 'completed');
    now = 30_000;
    p.steps('slow', { done: 5, total: 100, unit: 'slots' });
    expect(out.at(-1)).toBe('  … slow: 5/100 slots, cell ETA estimating (all cells: ETA 30s)\n');
    now = 60_000;
    p.steps('slow', { done: 10, total: 100, unit: 'slots' }); // 5 slots in 30 s: 540 s left for it alone
    expect(out.at(-1)).toBe('  … slow: 10/100 slots, cell ETA 9m00s (all cells: ETA 9m00s)\n');
  });

  it('says "estimating" until items are measured, and does not extrapolate a static plan\'s first slot (its solve) over the day', () => {
    const { out, sink: s } = sink(false);
    let now = 0;
    const p = new Progress(3, 0, s, () => now);
    p.start('dm-24h');
    now = 31_000; // its 30 s exact solve, then the first slot
    p.steps('dm-24h', { done: 1, total: 576, unit: 'slots' });
    // one slot after 31 s used to read "cell ETA 5h11m"; the first report only starts the clock
    expect(out).toEqual(['  … dm-24h: 1/576 slots, cell ETA estimating (all cells: ETA estimating)\n']);
    now = 62_000;
    p.steps('dm-24h', { done: 289, total: 576, unit: 'slots' }); // 288 slots in 31 s
    expect(out.at(-1)).toBe('  … dm-24h: 289/576 slots, cell ETA 31s (all cells: ETA 31s)\n');
    now = 63_000;
    p.finish('dm-24h', 'time_limit_feasible');
    // one cell took 63 s: two more at that measured pace
    expect(out.at(-1)).toBe('[1/3] dm-24h: time_limit_feasible (ETA 2m06s)\n');
  });

  it("shows a running cell's steps on the live line", () => {
    const { out, sink: s } = sink(true);
    let now = 0;
    const p = new Progress(1, 0, s, () => now);
    p.start('e5');
    now = 30_000;
    p.steps('e5', { done: 96, total: 288, unit: 'slots' });
    expect(out.at(-1)).toBe('\r\x1b[K0/1 cells, ETA estimating  e5 96/288 slots, cell ETA estim…'); // cut to the 60 columns
    now = 60_000;
    p.steps('e5', { done: 192, total: 288, unit: 'slots' });
    p.close();
    expect(out.at(-2)).toBe('\r\x1b[K0/1 cells, ETA 30s  e5 192/288 slots, cell ETA 30s');
  });

  it('formats durations', () => {
    expect([formatDuration(4_400), formatDuration(125_000), formatDuration(7_500_000)]).toEqual(['4s', '2m05s', '2h05m']);
  });
});
