/** Templates: `{{variable}}` syntax, validation, rendering per channel, values and previews. */
export {
  parseTemplate,
  validateTemplate,
  closestVariableName,
  CHANNEL_LABEL,
  type TemplateToken,
  type TemplateProblem,
  type TemplateProblemCode,
} from './parse';
export { renderTemplate, compileTemplate, resolveVariableValue, escapeHtml, escapeValue, singleLine, type RenderTemplateInput, type RenderResult, type CompiledTemplate } from './render';
export {
  templateValuesFor,
  TEMPLATE_DRIVER_FIELDS,
  formatPayRange,
  formatPhone,
  formatMoney,
  type TemplateValuesInput,
  type TemplateDriver,
  type TemplateRecruiter,
  type TemplateCarrier,
  type TemplateJob,
} from './values';
export { previewTemplate, type PreviewTemplateInput, type TemplatePreview } from './preview';
