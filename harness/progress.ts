/**
 * Sweep progress on stderr: one live, rewritten line on a terminal; plain log lines (one per
 * finished cell) otherwise, so CI logs and redirected output stay readable.
 */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
  columns?: number;
}

export class Progress {
  private done = 0;
  private readonly running = new Map<string, number>();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    /** Cells already finished before this process started (resume): not counted in the ETA. */
    private readonly skipped: number,
    private readonly out: ProgressSink = process.stderr,
  ) {
    if (out.isTTY) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    }
  }

  start(label: string): void {
    this.running.set(label, Date.now());
    if (this.out.isTTY) this.redraw();
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

  private eta(): string {
    const left = this.total - this.skipped - this.done;
    if (left === 0) return '0s';
    if (this.done === 0) return '?';
    return formatDuration(((Date.now() - this.started) / this.done) * left);
  }

  private redraw(): void {
    const current = [...this.running.keys()].join(' | ') || '—';
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
