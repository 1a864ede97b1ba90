import { describe, expect, it } from 'vitest';
import { derive } from '../problem/derived.ts';
import type { Instance } from '../problem/types.ts';
import { backendOptions } from './backend.ts';
import { solveWithHighs } from './highs.ts';
import { evaluate } from '../problem/evaluator.ts';
import { decodePlan } from './decode.ts';
import { buildModel, modelSize, modelSizes, tierClassHeads, tightening, type MilpModel } from './model.ts';
import { testInstance, tinyInstance, withClonedTiers } from '../../testing/exact-instances.ts';


/** Model j on a GPU whose usable memory its weights fill exactly (free_c = 0: infinite KV need). */
function withFullMemoryConfig(): Instance {
  const inst = structuredClone(tinyInstance(3, 'average', 'S1'));
  inst.parallelism = { tp_degrees: [1], pp_depths: [1] };
  inst.models[0] = { ...inst.models[0], params_b: 9 };
  inst.gpus[inst.tiers[0].gpu].memory_gb = 20; // 0.9 · 20 GB = 9 B params · 2 bytes (FP16)
  inst.tiers[0] = { ...inst.tiers[0], precision: 'FP16', bytes_per_param: 2 };
  return inst;
}

function columnsOf(model: MilpModel, prefix: string): string[] {
  return model.cols.filter((c) => c.name.startsWith(prefix)).map((c) => c.name);
}

describe('buildModel', () => {
  it('creates x only for SLO-feasible routes in per-route mode, and r, w, s only where they can be used', () => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 1, 'per-route');
    const d = derive(inst);
    const C = d.configs.length;
    const model = buildModel(inst);
    const { x, r, w, s } = model.vars;
    for (let i = 0; i < d.I; i++) {
      for (let c = 0; c < C; c++) if (x[i * C + c] >= 0) expect(d.sloFeasible(i, c)).toBe(true);
    }
    for (let c = 0; c < C; c++) {
      const routed = Array.from({ length: d.I }, (_, i) => x[i * C + c]).some((col) => col >= 0);
      expect(r[c] >= 0).toBe(routed);
      expect(w[c] >= 0).toBe(routed);
      if (r[c] >= 0) expect(d.configs[c].max_replicas).toBeGreaterThanOrEqual(1);
    }
    for (let j = 0; j < d.J; j++) expect(s[j] >= 0).toBe(d.configs.some((cfg) => cfg.j === j && w[cfg.index] >= 0));
    // Reduction must have removed something real here.
    const { before, after } = modelSizes(inst);
    expect(after.cols).toBeLessThan(before.cols / 2);
    expect(after.rows).toBeLessThan(before.rows);
  });

  it('writes throughput and KV rows in replica units and SLO rows in relative units', () => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 2, 'average');
    const d = derive(inst);
    const C = d.configs.length;
    const model = buildModel(inst);
    const colOf = new Map(model.cols.map((c, n) => [c.name, n]));
    const row = (name: string) => model.rows.find((r) => r.name === name)!;
    const c = d.configs.findIndex((cfg) => model.vars.r[cfg.index] >= 0);
    const thr = row(`thr_${c}`);
    const kv = row(`kv_${c}`);
    const i = thr.cols.map((col) => model.cols[col].name).find((n) => n.startsWith('x_'))!.split('_').map(Number)[1];
    const at = (r: typeof thr, name: string) => r.coefs[r.cols.indexOf(colOf.get(name)!)];
    expect(at(thr, `r_${c}`)).toBe(-1);
    expect(at(thr, `x_${i}_${c}`)).toBe(d.load_replicas[i * C + c]);
    expect(at(kv, `x_${i}_${c}`)).toBe(d.kv_replicas[i * C + c]);
    const t = inst.types[i];
    expect(at(row(`sd_${i}`), `x_${i}_${c}`)).toBeCloseTo((d.delay_s[i * C + c] - t.delay_slo_s) / t.delay_slo_s, 12);
    expect(at(row(`se_${i}`), `x_${i}_${c}`)).toBeCloseTo((d.errorOf(i, c) - t.error_slo) / t.error_slo, 12);
    for (const r of model.rows) {
      expect(new Set(r.cols).size).toBe(r.cols.length);
      for (const a of r.coefs) expect(Number.isFinite(a) && a !== 0).toBe(true);
    }
  });

  it('never creates a route whose KV coefficient is infinite (free_c = 0)', () => {
    const inst = withFullMemoryConfig();
    const d = derive(inst);
    const C = d.configs.length;
    const full = d.configs.findIndex((cfg) => cfg.free_kv_gb === 0);
    expect(full).toBeGreaterThanOrEqual(0);
    expect(d.kv_replicas[full]).toBe(Infinity);
    const reduced = buildModel(inst);
    for (let i = 0; i < d.I; i++) expect(reduced.vars.x[i * C + full]).toBe(-1);
    // The unreduced model keeps the column but fixes it at 0, with no infinite coefficient.
    const unreduced = buildModel(inst, { reduce: false });
    expect(unreduced.cols[unreduced.vars.x[full]]).toMatchObject({ lb: 0, ub: 0 });
    for (const r of unreduced.rows) for (const a of r.coefs) expect(Number.isFinite(a)).toBe(true);
  });

  it('reports the size of the model it built', () => {
    const model = buildModel(tinyInstance(5, 'average', 'S2'));
    const size = modelSize(model);
    expect(size.cols).toBe(model.cols.length);
    expect(size.binary_cols).toBe(columnsOf(model, 'w_').length + columnsOf(model, 's_').length);
    expect(size.integer_cols).toBe(size.binary_cols + columnsOf(model, 'r_').length);
    expect(size.nonzeros).toBe(model.rows.reduce((n, r) => n + r.coefs.length, 0));
  });
});

describe('model reduction keeps the optimum', () => {
  const cases: [string, () => Instance][] = [
    ...[1, 2, 3, 4].flatMap((seed) =>
      (['average', 'per-route'] as const).map((mode): [string, () => Instance] => [`tiny seed ${seed} ${mode}`, () => tinyInstance(seed, mode, (['S1', 'S2', 'S3', 'S5'] as const)[seed - 1])]),
    ),
    ['free_c = 0 config', withFullMemoryConfig],
    ['(6,6,10) seed 2 per-route', () => testInstance({ I: 6, J: 6, K: 10 }, 2, 'per-route')],
  ];
  it.each(cases)('%s', async (_, make) => {
    const inst = make();
    const reduced = await solveWithHighs(buildModel(inst), backendOptions(60, 0));
    const unreduced = await solveWithHighs(buildModel(inst, { reduce: false }), backendOptions(60, 0));
    expect(reduced.status).toBe('optimal');
    expect(unreduced.status).toBe('optimal');
    expect(reduced.objective!).toBeCloseTo(unreduced.objective!, 6);
  });
});

describe('tightening keeps the optimum', () => {
  // The tiny corpus has no two layouts with the same n·m (see brute-force.test.ts for the
  // tightened model against the enumeration); base-size instances exercise the dominance rule.
  // Seeds whose loose model HiGHS solves in seconds (each solve blocks the worker).
  it.each([2, 3, 4])('(6,6,10) seed %i per-route: same optimum with and without tightening', async (seed) => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, seed, 'per-route', (['S2', 'S3', 'S5'] as const)[seed - 2]);
    const tight = buildModel(inst);
    const loose = buildModel(inst, { tighten: false });
    // The tightening must be real: fewer layouts, and no replica bound looser than the pool's.
    expect(columnsOf(tight, 'r_').length).toBeLessThan(columnsOf(loose, 'r_').length);
    const ub = (m: MilpModel) => new Map(m.cols.filter((c) => c.name.startsWith('r_')).map((c) => [c.name, c.ub]));
    const looseUb = ub(loose);
    const tightUb = [...ub(tight)];
    for (const [name, bound] of tightUb) expect(bound).toBeLessThanOrEqual(looseUb.get(name)!);
    expect(tightUb.some(([name, bound]) => bound < looseUb.get(name)!)).toBe(true);
    const a = await solveWithHighs(tight, backendOptions(60, 0));
    const b = await solveWithHighs(loose, backendOptions(60, 0));
    expect(a.status).toBe('optimal');
    expect(b.status).toBe('optimal');
    expect(a.objective!).toBeCloseTo(b.objective!, 6);
  });

  it('drops a layout only for a kept one of the same pair and width that is at least as good for every type', () => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 1, 'average');
    const d = derive(inst);
    const C = d.configs.length;
    const open = (i: number, c: number) => Number.isFinite(d.kv_replicas[i * C + c]);
    const { dominatedBy } = tightening(inst, open);
    expect(dominatedBy.some((c) => c >= 0)).toBe(true);
    dominatedBy.forEach((by, c) => {
      if (by < 0) return;
      expect(d.configs[by].pair).toBe(d.configs[c].pair);
      expect(d.configs[by].gpus).toBe(d.configs[c].gpus);
      for (let i = 0; i < d.I; i++) expect(d.delay_s[i * C + by]).toBeLessThanOrEqual(d.delay_s[i * C + c]);
      // Following the chain ends at a layout nobody dominates.
      let top = by;
      for (let n = 0; n < C && dominatedBy[top] >= 0; n++) top = dominatedBy[top];
      expect(dominatedBy[top]).toBe(-1);
    });
  });
});

describe('clone tiers are merged into their class head', () => {
  it('finds the catalog\'s clones and nothing else: a clone has the same derived coefficients as its head', () => {
    const inst = testInstance({ I: 4, J: 3, K: 27 }, 1, 'average');
    const head = tierClassHeads(inst);
    expect(head.filter((h, k) => h !== k).length).toBe(3); // 24 distinct tiers in the catalog
    const d = derive(inst);
    const C = d.configs.length;
    const { cloneOf, placement } = tightening(inst, () => true);
    let clones = 0;
    for (const cfg of d.configs) {
      const to = cloneOf[cfg.index];
      expect(to >= 0).toBe(head[cfg.k] !== cfg.k);
      if (to < 0) continue;
      clones++;
      const rep = d.configs[to];
      expect([rep.j, rep.k, rep.n, rep.m]).toEqual([cfg.j, head[cfg.k], cfg.n, cfg.m]);
      expect(rep.price_usd_per_h).toBe(cfg.price_usd_per_h);
      expect(rep.gpu).toBe(cfg.gpu);
      for (let i = 0; i < d.I; i++) {
        for (const a of [d.delay_s, d.load_replicas, d.kv_replicas, d.delay_penalty_usd_per_h]) expect(a[i * C + to]).toBe(a[i * C + cfg.index]);
        expect(d.errorOf(i, to)).toBe(d.errorOf(i, cfg.index));
      }
    }
    expect(clones).toBeGreaterThan(0);
    placement.forEach((tiers, k) => expect(tiers).toEqual(head[k] !== k ? [] : inst.tiers.map((_, t) => t).filter((t) => head[t] === k)));
  });

  // Seeds whose unmerged model HiGHS solves in seconds; in the first the merged optimum places a
  // layout on a clone tier (so decoding's placement is exercised), the second keeps to the heads.
  it.each([[2, 'per-route', 'S1'], [1, 'per-route', 'S2']] as const)(
    '(6,6,10) seed %i %s %s with every tier cloned: the merged model has the unmerged optimum, and its plan scores it',
    async (seed, mode, scenario) => {
      const inst = withClonedTiers(testInstance({ I: 6, J: 6, K: 10 }, seed, mode, scenario));
      const merged = buildModel(inst);
      const unmerged = buildModel(inst, { tighten: false });
      expect(merged.cols.length).toBeLessThan(unmerged.cols.length / 2);
      const a = await solveWithHighs(merged, backendOptions(60, 0));
      const b = await solveWithHighs(unmerged, backendOptions(60, 0));
      expect([a.status, b.status]).toEqual(['optimal', 'optimal']);
      expect(a.objective!).toBeCloseTo(b.objective!, 6);
      const ev = evaluate(inst, decodePlan(inst, merged, a.values!, 'test'));
      expect(ev.feasible).toBe(true);
      expect(ev.cost_usd).toBeCloseTo(a.objective!, 6);
    },
  );
});
