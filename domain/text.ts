// The text rule of API.md "Conventions": which characters no string field may hold, decided once.

/**
 * C0 controls (U+0000-U+001F), DEL and the C1 controls (U+007F-U+009F), and the line and paragraph
 * separators U+2028/U+2029, which break line-oriented formats (the .alf file, CSV, logs) and some JSON readers.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The same characters as a whole-string pattern (no forbidden character anywhere), for schemas that publish it
 * (the OpenAPI document shows it as `pattern`); lone surrogates need hasLoneSurrogate besides.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
export const WITHOUT_FORBIDDEN_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 that is no text). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when `value` may be stored as a string field: no control character (U+0000-U+001F, U+007F-U+009F), no
 * U+2028/U+2029 and no lone surrogate. Rule: API.md "Text: ... No string field may hold a control character
 * (U+0000-U+001F, U+007F-U+009F), U+2028, U+2029 or a lone surrogate → 400".
 */
export function isCleanText(value: string): boolean {
  return !FORBIDDEN.test(value) && !hasLoneSurrogate(value);
}

/** True when `value` holds a lone surrogate (half of a UTF-16 pair), which no UTF-8 text can hold. */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** The sentence a 400 gives for a string that breaks isCleanText, after the field's name. */
export const CLEAN_TEXT_MESSAGE = 'must not contain control characters, U+2028, U+2029 or lone surrogates';

/**
 * U+FFFD, the replacement character: what a decoder leaves where bytes were not UTF-8. API Gateway hands Lambda
 * text bodies already decoded, so in a text body this character is the only trace of bytes that were not
 * UTF-8; a body holding it is refused like one with invalid bytes (API.md "Text: a request body must be valid
 * UTF-8; bytes that are not → 400, never replaced").
 */
export const REPLACEMENT_CHARACTER = '\ufffd';
