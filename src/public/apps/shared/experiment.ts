/**
 * A/B test results as the backend's `summarizeExperiment` reports them (SMS message variants scored
 * by replies, email subject lines scored by opens): the answer's schema and the results table.
 */
import * as z from 'zod';
import { h } from './dom';
import { formatInt, formatRate } from './format';

const count = z.number().min(0).catch(0);

export const VariantResult = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  control: z.boolean().optional(),
  successes: count,
  total: count,
  rate: z.number(),
  ci: z.object({ low: z.number(), high: z.number() }).optional(),
  vsControl: z.object({ pValue: z.number(), confidence: z.number(), lift: z.number().nullable() }).nullable().optional(),
  probabilityToBeBest: z.number().optional(),
});
export type VariantResult = z.infer<typeof VariantResult>;

export const Experiment = z.looseObject({
  metric: z.string().optional(),
  variants: z.array(VariantResult),
  leaderId: z.string().optional(),
  significant: z.boolean().optional(),
  winner: z.string().nullable().optional(),
  decision: z.string().optional(),
});
export type Experiment = z.infer<typeof Experiment>;

/** The experiment of an analytics answer (a bare variant list is an experiment too), or null without one. */
export function experimentOf(variants: Experiment | readonly VariantResult[] | null | undefined): Experiment | null {
  if (variants === null || variants === undefined) return null;
  const experiment: Experiment = Array.isArray(variants) ? { variants: [...(variants as readonly VariantResult[])] } : (variants as Experiment);
  return experiment.variants.length > 1 ? experiment : null;
}

function variantRow(v: VariantResult, winner: string | null | undefined): HTMLElement {
  const ci = v.ci ? `${formatRate(v.ci.low)}–${formatRate(v.ci.high)}` : '–';
  const confidence = v.vsControl ? `${(v.vsControl.confidence * 100).toFixed(0)}%` : 'control';
  const lift = v.vsControl?.lift !== undefined && v.vsControl?.lift !== null ? `${v.vsControl.lift >= 0 ? '+' : ''}${(v.vsControl.lift * 100).toFixed(0)}%` : '–';
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, v.name ?? `Variant ${v.id}`, v.id === winner ? h('span', { class: 'badge win' }, 'WINNER') : null),
    h('td', { class: 'num' }, formatInt(v.total)),
    h('td', { class: 'num' }, formatInt(v.successes)),
    h('td', { class: 'num' }, formatRate(v.rate)),
    h('td', { class: 'num' }, ci),
    h('td', { class: 'num' }, lift),
    h('td', { class: 'num' }, confidence),
    h('td', { class: 'num' }, v.probabilityToBeBest !== undefined ? formatRate(v.probabilityToBeBest) : '–'),
  );
}

/** The results table; `labels` name the scored outcome ("Replies" / "Reply rate", "Opens" / "Open rate"). */
export function experimentTable(experiment: Experiment, labels: { readonly total: string; readonly successes: string; readonly rate: string }): HTMLElement {
  return h(
    'table',
    { class: 'table' },
    h('thead', {}, h('tr', {}, ...['Variant', labels.total, labels.successes, labels.rate, '95% interval', 'Lift', 'Confidence', 'P(best)'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...experiment.variants.map((v) => variantRow(v, experiment.winner))),
  );
}
