/**
 * Sweep progress on stderr: one live, rewritten line on a terminal; plain log lines otherwise (one
 * per finished cell, and for a long cell that reports its steps — E5's 288 slots a day — a line
 * at most every LOG_EVERY_MS), so CI logs and redirected output stay readable.
 */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
  columns?: number;
}

/** Steps of a running cell, as the cell reports them (e.g. slots played of all its days' slots). */
export interface CellSteps {
  done: number;
  total: number;
  unit: string;
}

interface Running {
  started: number;
  steps?: CellSteps;
  /**
   * The first step report: the cell's pace is measured from it on, since time before it is setup
   * (a static policy's one planning solve lands in its first slot), not the time of its items.
   */
  first?: { at: number; done: number };
  logged: number;
}

/** What an ETA says before any item has been measured. */
export const ESTIMATING = 'estimating';

/** A long cell's progress line in a log: at most this often. */
const LOG_EVERY_MS = 30_000;

export class Progress {
  private done = 0;
  private readonly running = new Map<string, Running>();
  private readonly started: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    /** Cells already finished before this process started (resume): not counted in the ETA. */
    private readonly skipped: number,
    private readonly out: ProgressSink = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    if (out.isTTY) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    }
  }

  start(label: string): void {
    const t = this.now();
    this.running.set(label, { started: t, logged: t });
    if (this.out.isTTY) this.redraw();
  }

  /** A running cell reports its steps; the cell's own ETA follows from its pace so far. */
  steps(label: string, steps: CellSteps): void {
    const cell = this.running.get(label);
    if (!cell) return;
    cell.steps = steps;
    cell.first ??= { at: this.now(), done: steps.done };
    if (this.out.isTTY) return this.redraw();
    const t = this.now();
    if (t - cell.logged < LOG_EVERY_MS || steps.done >= steps.total) return;
    cell.logged = t;
    this.out.write(`  … ${label}: ${this.cellState(cell)} (all cells: ETA ${this.eta()})\n`);
  }

  finish(label: string, outcome: string): void {
    this.running.delete(label);
    this.done++;
    if (this.out.isTTY) this.redraw();
    else this.out.write(`[${this.skipped + this.done}/${this.total}] ${label}: ${outcome} (ETA ${this.eta()})\n`);
  }

  /** Ends the live line; further output starts on a fresh line. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.out.isTTY) this.out.write('\n');
  }

  /**
   * Time a running cell still needs at the measured pace of its steps since its first report
   * (ms), or null until a step after that first one has been timed.
   */
  private cellLeft(cell: Running): number | null {
    const s = cell.steps;
    if (!s || !cell.first || s.done <= cell.first.done) return null;
    return ((this.now() - cell.first.at) / (s.done - cell.first.done)) * (s.total - s.done);
  }

  /** "120/288 slots, cell ETA 3m10s" */
  private cellState(cell: Running): string {
    const s = cell.steps;
    if (!s) return 'running';
    const left = this.cellLeft(cell);
    return `${s.done}/${s.total} ${s.unit}, cell ETA ${left === null ? ESTIMATING : formatDuration(left)}`;
  }

  /**
   * Cells still to run, at the measured pace of the finished cells, and no less than the slowest
   * running cell needs at its measured pace; "estimating" until some cell has finished or timed
   * its steps. Steps of running cells do not count as finished cells: a cell's first step may hold
   * all its work (a static plan's solve), so its share of steps says nothing of its share of time.
   */
  private eta(): string {
    const left = this.total - this.skipped - this.done;
    if (left === 0) return '0s';
    // The run lasts at least as long as its slowest running cell: finished short cells must not hide a long one.
    const longest = Math.max(0, ...[...this.running.values()].map((c) => this.cellLeft(c) ?? 0));
    if (this.done === 0) return longest > 0 ? formatDuration(longest) : ESTIMATING;
    return formatDuration(Math.max(longest, ((this.now() - this.started) / this.done) * left));
  }

  private redraw(): void {
    const current = [...this.running].map(([label, c]) => (c.steps ? `${label} ${this.cellState(c)}` : label)).join(' | ') || '—';
    const line = `${this.skipped + this.done}/${this.total} cells, ETA ${this.eta()}  ${current}`;
    const width = (this.out.columns ?? 120) - 1;
    this.out.write(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
