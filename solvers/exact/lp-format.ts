/**
 * CPLEX LP text of a model, in the subset glpsol, cbc and HiGHS all read: full
 * section names and `End`, a space between coefficient and name, no constants on the left, no
 * ranged rows, explicit bounds, lines wrapped well below 200 characters.
 */
import type { Column, MilpModel } from './model.ts';

const MAX_LINE = 160;

/** Shortest round-trip decimal; LP readers take exponents like `1.5e-7` and `2e+21`. */
const num = (v: number): string => String(v);

function linear(model: MilpModel, cols: number[], coefs: number[], head: string): string[] {
  const lines: string[] = [];
  let line = head;
  cols.forEach((col, n) => {
    const a = coefs[n];
    const term = `${a < 0 ? '-' : '+'} ${num(Math.abs(a))} ${model.cols[col].name}`;
    if (line.length + term.length + 1 > MAX_LINE) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${term}`;
  });
  lines.push(line);
  return lines;
}

function bound(col: Column): string {
  return col.lb === col.ub ? ` ${col.name} = ${num(col.lb)}` : ` ${num(col.lb)} <= ${col.name} <= ${num(col.ub)}`;
}

export function toLpText(model: MilpModel): string {
  const objCols: number[] = [];
  const objCoefs: number[] = [];
  model.cols.forEach((col, n) => {
    if (col.cost !== 0) {
      objCols.push(n);
      objCoefs.push(col.cost);
    }
  });
  // Lines are appended one by one: spreading a (30,30,30) model's 100k+ bound lines into one
  // push() call overflows the stack.
  const out: string[] = [`\\ ${model.name}`];
  const append = (lines: Iterable<string>) => {
    for (const line of lines) out.push(line);
  };
  // A `\` starts a comment to the end of the line in the LP format: the key costs the readers nothing.
  append(model.key.map((line) => `\\ ${line}`));
  out.push('Minimize');
  append(linear(model, objCols, objCoefs, ' obj:'));
  out.push('Subject To');
  for (const row of model.rows) {
    const lines = linear(model, row.cols, row.coefs, ` ${row.name}:`);
    lines[lines.length - 1] += ` ${row.sense} ${num(row.rhs)}`;
    append(lines);
  }
  // Binary columns take their [0, 1] bounds from the Binary section.
  out.push('Bounds');
  for (const col of model.cols) if (col.kind !== 'binary') out.push(bound(col));
  for (const [section, kind] of [['General', 'integer'], ['Binary', 'binary']] as const) {
    const names = model.cols.filter((c) => c.kind === kind).map((c) => c.name);
    if (names.length === 0) continue;
    out.push(section);
    for (let n = 0; n < names.length; n += 10) out.push(` ${names.slice(n, n + 10).join(' ')}`);
  }
  out.push('End', '');
  return out.join('\n');
}
