/**
 * Column documentation generated from harness/sweep/columns.ts, the one place CSV columns are defined:
 * docs/COLUMNS.md (checked against this text by a test) and the column tables of report.html.
 * Regenerate the Markdown with `npx tsx harness/report/columns-doc.ts`.
 */
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../lib/files.ts';
import { RAW_COLUMNS, SUMMARY_COLUMNS, type CellKind, type ColumnDef } from '../sweep/columns.ts';

export interface ColumnSection {
  file: 'raw.csv' | 'summary.csv';
  kind: CellKind;
  title: string;
  intro: string;
  columns: readonly ColumnDef[];
}

export const ENCODING_NOTE =
  'Numbers are written as JavaScript prints them (full precision), booleans as `true`/`false`, lists as `;`-joined ' +
  'strings, and an empty field means "not applicable / not known". Columns marked *timing* are wall-clock ' +
  'measurements that vary between otherwise identical runs.';

export const COLUMN_SECTIONS: readonly ColumnSection[] = [
  {
    file: 'raw.csv', kind: 'solve', title: 'raw.csv of a solve run (E1–E4, `alloc-bench sweep`)',
    intro: 'One row per (cell, κ): a cell (instance × solver spec × headroom θ) is solved once and evaluated in stage 2 at every κ of the grid, so the planned columns repeat across its κ rows. A raw.csv written before the headroom and dropped/shed columns existed is read with `headroom` 0, the violation rates plus the planned unmet rate (their old definition left it out) and the dropped/shed rates empty.',
    columns: RAW_COLUMNS.solve,
  },
  {
    file: 'raw.csv', kind: 'rolling', title: 'raw.csv of a rolling-horizon run (E5)',
    intro: 'One row per day = (instance, σ, demand path, policy); a static policy\'s cell covers all its days.',
    columns: RAW_COLUMNS.rolling,
  },
  {
    file: 'summary.csv', kind: 'solve', title: 'summary.csv of a solve run',
    intro: 'One row per (experiment, size, scenario, SLO mode, solver label, headroom θ, κ). A column named like a raw column holds its mean over the group; `_median`, `_std` (n − 1) and `_max` name other statistics. Speedups and gaps pair each row with the exact solves of the same instance at the same θ.',
    columns: SUMMARY_COLUMNS.solve,
  },
  {
    file: 'summary.csv', kind: 'rolling', title: 'summary.csv of a rolling-horizon run',
    intro: 'One row per (experiment, size, scenario, SLO mode, σ, policy); statistics over the completed demand paths.',
    columns: SUMMARY_COLUMNS.rolling,
  },
];

const mdCell = (text: string) => text.replace(/\|/g, '\\|');

export function columnsMarkdown(): string {
  const out = [
    '# CSV columns',
    '',
    '<!-- Generated from harness/sweep/columns.ts by harness/report/columns-doc.ts (`npx tsx harness/report/columns-doc.ts`); do not edit. -->',
    '',
    ENCODING_NOTE,
  ];
  for (const s of COLUMN_SECTIONS) {
    out.push('', `## ${s.title}`, '', s.intro, '', '| column | type | unit | description |', '|---|---|---|---|');
    for (const c of s.columns) {
      out.push(`| \`${c.name}\` | ${c.type} | ${c.unit} | ${mdCell(c.description)}${c.timing ? ' *(timing)*' : ''} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

export const COLUMNS_DOC_PATH = fileURLToPath(new URL('../../docs/COLUMNS.md', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileAtomic(COLUMNS_DOC_PATH, columnsMarkdown());
  process.stderr.write(`wrote ${COLUMNS_DOC_PATH}\n`);
}
