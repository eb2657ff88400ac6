/** render/ — ParsedMail → SMS text: family recognisers, a generic condenser, templates. */
export {
  renderSms,
  renderSmsText,
  sendableText,
  chooseRecogniser,
  DEFAULT_TEMPLATE,
  DEFAULT_FAMILY_TEMPLATE,
  RECOGNISER_THRESHOLD,
  type RenderResult,
  type RecogniserChoice,
} from './render.js';
export { renderOptionsFromConfig, type RenderOptions } from './options.js';
export { parseTemplate, fillTemplate, type TemplateToken } from './template.js';
export { recognisers, type Recogniser } from './recognisers/index.js';
export type { AlertFields, AlertItem, AlertState } from './recognisers/types.js';
