// ECDSA signature encodings: KMS returns ASN.1 DER (SEQUENCE of INTEGER r, s); a .alf file carries raw r||s.

function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) throw new RangeError('DER signature is truncated');
  if (first < 0x80) return { length: first, next: at + 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 2) throw new RangeError('DER length is not supported');
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const byte = der[at + i];
    if (byte === undefined) throw new RangeError('DER signature is truncated');
    length = (length << 8) | byte;
  }
  return { length, next: at + 1 + count };
}

function readInteger(der: Uint8Array, at: number, size: number): { value: Uint8Array; next: number } {
  if (der[at] !== 0x02) throw new RangeError('DER signature: expected an INTEGER');
  const { length, next } = readLength(der, at + 1);
  if (length === 0 || next + length > der.length) throw new RangeError('DER signature is truncated');
  let bytes = der.subarray(next, next + length);
  // A leading 0x00 keeps a positive number's top bit clear; it is not part of the value.
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new RangeError('DER signature: integer is too large');
  const value = new Uint8Array(size);
  value.set(bytes, size - bytes.length);
  return { value, next: next + length };
}

/** DER (as KMS Sign returns it) to raw r||s of 2 * size bytes (size 32 for P-256). */
export function derToRaw(der: Uint8Array, size = 32): Uint8Array {
  if (der[0] !== 0x30) throw new RangeError('DER signature: expected a SEQUENCE');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw new RangeError('DER signature: wrong length');
  const r = readInteger(der, next, size);
  const s = readInteger(der, r.next, size);
  if (s.next !== der.length) throw new RangeError('DER signature: trailing bytes');
  const raw = new Uint8Array(2 * size);
  raw.set(r.value, 0);
  raw.set(s.value, size);
  return raw;
}
