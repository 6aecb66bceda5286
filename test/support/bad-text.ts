// Text API.md forbids, shared by the schema unit test and the bad-input property over HTTP.

/** One string of each kind API.md "Text" forbids (the issue found each accepted in names, roles and ids). */
export const BAD_STRINGS: [kind: string, value: string][] = [
  ['U+0000', 'a\u0000b'],
  ['U+001F', 'a\u001fb'],
  ['U+007F', 'a\u007fb'],
  ['U+0085', 'a\u0085b'],
  ['U+009B', 'a\u009bb'],
  ['U+2028', 'a\u2028b'],
  ['U+2029', 'a\u2029b'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00b'],
];

/** Byte sequences that are not UTF-8: an ISO-8859-1 é, and FF FE C0 (the two examples). */
export const INVALID_UTF8: [kind: string, bytes: number[]][] = [
  ['ISO-8859-1 é', [0xe9]],
  ['FF FE C0', [0xff, 0xfe, 0xc0]],
];
