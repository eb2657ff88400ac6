/** render/ — ParsedMail → SMS text: a template over subject/text/from plus recogniser fields. */
export {
  renderSmsText,
  recognisedFields,
  DEFAULT_TEMPLATE,
  RECOGNISER_THRESHOLD,
  type RenderOptions,
} from './render.js';
export { parseTemplate, fillTemplate, type TemplateToken } from './template.js';
export { recognisers, type Recogniser } from './recognisers/index.js';
