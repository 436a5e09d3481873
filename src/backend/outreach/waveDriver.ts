/**
 * What a campaign wave reads of each driver: the compliance decision's fields and the template's.
 * The audience query of an SMS or email wave reads only these, not whole profiles.
 */
import { DECISION_DRIVER_FIELDS, type DecisionDriver } from './compliance';
import { TEMPLATE_DRIVER_FIELDS, type TemplateDriver } from './templates';

export const WAVE_DRIVER_FIELDS = [...new Set([...DECISION_DRIVER_FIELDS, ...TEMPLATE_DRIVER_FIELDS])];

export type WaveDriver = DecisionDriver & TemplateDriver;
