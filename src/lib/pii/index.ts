/** PII redaction: find and mask card numbers, national IDs, e-mail addresses and phone numbers in text and JSON values. */
export { createRedactor, type Redactor } from "./redactor.js";
export { defaultPreserveKeys, defaultRedactionRules, redactionRules } from "./defaults.js";
export { defaultSafeContexts } from "./context-words.js";
export { cardBrand, luhnValid } from "./card-numbers.js";
export { nationalIdValidators } from "./national-id-checks.js";
export { keyMatcher, redactStructured } from "./structured.js";
export { Sensitive, isSensitive } from "./sensitive.js";
export {
  type BuiltinPiiKind,
  type CustomRule,
  type MaskStyle,
  type NationalIdScheme,
  type PiiFinding,
  type PiiKind,
  type RedactionRules,
  maskStyles,
  nationalIdSchemes,
  piiKinds,
} from "./types.js";
