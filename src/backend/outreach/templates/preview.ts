/** Previews for the builders: a template rendered for the built-in sample driver or a chosen one. */
import { countSmsSegments, type SmsSegmentCount } from '../sms';
import { sampleTemplateValues, type TemplateChannel, type TemplateValues } from '../variables';
import { validateTemplate, type TemplateProblem } from './parse';
import { renderTemplate, type RenderResult } from './render';
import { templateValuesFor, type TemplateValuesInput } from './values';

export interface PreviewTemplateInput {
  readonly template: string;
  readonly channel: TemplateChannel;
  /** A chosen driver (with carrier, recruiter, job). Omitted: the built-in sample driver. */
  readonly recipient?: TemplateValuesInput;
  /** Values that win over both (e.g. what the recruiter typed in a "test values" box). */
  readonly values?: TemplateValues;
  readonly defaults?: TemplateValues;
}

export interface TemplatePreview {
  readonly result: RenderResult;
  /** Every problem (errors and warnings) of the template for this channel. */
  readonly problems: readonly TemplateProblem[];
  /** Segments of the rendered SMS (only for `sms`, and only when it rendered). */
  readonly sms: SmsSegmentCount | null;
  /** True when rendered for the built-in sample driver. */
  readonly sample: boolean;
}

/**
 * A chosen driver is rendered with exactly the values they would get, so a preview shows whether
 * they would be blocked; only the per-recipient links, which exist at send time, use sample links.
 */
export function previewTemplate(input: PreviewTemplateInput): TemplatePreview {
  const sample = sampleTemplateValues();
  const base: TemplateValues = input.recipient
    ? { ...templateValuesFor(input.recipient) }
    : sample;
  const values: TemplateValues = { ...base, ...input.values };
  if (input.recipient) {
    values.applyUrl ??= sample.applyUrl;
    values.unsubscribeUrl ??= sample.unsubscribeUrl;
  }
  const result = renderTemplate({
    template: input.template,
    channel: input.channel,
    values,
    ...(input.defaults ? { defaults: input.defaults } : {}),
  });
  return {
    result,
    problems: validateTemplate(input.template, input.channel),
    sms: input.channel === 'sms' && result.ok ? countSmsSegments(result.text) : null,
    sample: input.recipient === undefined,
  };
}
