/**
 * Text widths for headless vega. Without a canvas, vega guesses 0.8 em per character, which lays
 * charts out far wider than their text (a long title made a 1,300-pixel-wide PNG around a
 * 100-pixel plot). The charts name DejaVu Sans, the font librsvg (sharp) renders the PNG with, so
 * vega is given that font's advance widths instead; vega supports such a custom
 * `textMetrics.width` (vl-convert does the same).
 */
import * as vega from 'vega';

export const CHART_FONT = 'DejaVu Sans, Bitstream Vera Sans, sans-serif';

/**
 * Advance widths in thousandths of an em of U+0020…U+007E, from the hmtx table of DejaVuSans.ttf
 * and DejaVuSans-Bold.ttf (2.37); Bitstream Vera Sans has the same Latin metrics.
 */
const ASCII = {
  regular: [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636,
    636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
  ],
  bold: [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696,
    696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
  ],
};

/** The non-ASCII characters our labels use, [regular, bold]; anything else counts as a full em (overestimating is safe). */
const OTHER: Record<string, [number, number]> = {
  '×': [838, 838], 'κ': [589, 710], 'σ': [634, 779], '±': [838, 838], '–': [500, 500], '—': [1000, 1000],
  '…': [1000, 1000], '≥': [838, 838], '≤': [838, 838], '·': [318, 380], '→': [838, 838],
};

export function textWidth(text: string, fontSize: number, bold: boolean): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += code >= 0x20 && code <= 0x7e ? ASCII[bold ? 'bold' : 'regular'][code - 0x20] : (OTHER[ch]?.[bold ? 1 : 0] ?? 1000);
  }
  return (em / 1000) * fontSize;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

const isBold = (w: string | number | undefined) => w === 'bold' || w === 'bolder' || (Number(w) >= 600);

/** Installs the DejaVu metrics into vega (process-wide; idempotent). */
export function useChartTextMetrics(): void {
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => textWidth(String(text ?? '').trim(), item.fontSize ?? 11, isBold(item.fontWeight));
}
