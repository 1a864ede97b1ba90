/**
 * A target: where a slice of one type's traffic could go — a deployed pair on its current layout,
 * a deployed pair after an M3 upgrade, or a new deployment — with what the pair already carries
 * and what the target costs before the slice arrives (upgrade re-pricing, model storage).
 */
export const ACTIVE = 1;
export const UPGRADE = 2;
export const NEW = 3;
export type TargetKind = typeof ACTIVE | typeof UPGRADE | typeof NEW;

export class Target {
  p = -1;
  c = -1;
  kind: TargetKind = NEW;
  /** Load and KV sums (replica units) and replicas of the pair on layout c before the slice. */
  baseL = 0;
  baseK = 0;
  baseR = 0;
  /** $/h of rental and storage the target adds before the slice (counts against the budget). */
  extraBudget = 0;
  /** $/h of delay penalty the target adds before the slice (an upgrade changes others' delays). */
  extraPenalty = 0;
  /** GPUs the target adds to the pool before the slice. */
  extraGpus = 0;
  extraStorageGb = 0;
  /** noM3 ablation: the slice goes to a second layout beside the pair's (PlanState.addBeside). */
  beside = false;

  copyFrom(o: Target): void {
    this.p = o.p;
    this.c = o.c;
    this.kind = o.kind;
    this.baseL = o.baseL;
    this.baseK = o.baseK;
    this.baseR = o.baseR;
    this.extraBudget = o.extraBudget;
    this.extraPenalty = o.extraPenalty;
    this.extraGpus = o.extraGpus;
    this.extraStorageGb = o.extraStorageGb;
    this.beside = o.beside;
  }
}
