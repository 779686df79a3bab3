/** Minimal BER-TLV reader for SELECT answers (FCI templates). */
import { err, ok, type Result } from '../../../shared/result.js';
import { decodeError, type DecodeError } from '../errors.js';

export interface Tlv {
  /** Tag as uppercase hex, e.g. `6F`, `9F0C`. */
  readonly tag: string;
  readonly value: Uint8Array;
  readonly constructed: boolean;
}

/** Parses one level of TLVs covering all of `bytes`. Padding bytes 00/FF between objects are skipped. */
export function parseTlvs(bytes: Uint8Array): Result<Tlv[], DecodeError> {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i]!;
    if (first === 0x00 || first === 0xff) {
      i++;
      continue;
    }
    const tagStart = i++;
    if ((first & 0x1f) === 0x1f) {
      while (i < bytes.length && (bytes[i]! & 0x80) !== 0) i++;
      i++;
    }
    if (i >= bytes.length) return err(decodeError('FCI', 'TLV tag runs past the end'));
    const tag = Buffer.from(bytes.subarray(tagStart, i)).toString('hex').toUpperCase();
    let length = bytes[i++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 2 || i + n > bytes.length) return err(decodeError('FCI', `bad TLV length form in ${tag}`));
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + bytes[i++]!;
    }
    if (i + length > bytes.length) return err(decodeError('FCI', `TLV ${tag} longer than the answer`));
    out.push({ tag, value: bytes.subarray(i, i + length), constructed: (first & 0x20) !== 0 });
    i += length;
  }
  return ok(out);
}

/** Depth-first search for `tag` inside constructed TLVs; null when absent. */
export function findTlv(bytes: Uint8Array, tag: string, depth = 0): Result<Uint8Array | null, DecodeError> {
  const parsed = parseTlvs(bytes);
  if (!parsed.ok) return parsed;
  for (const t of parsed.value) {
    if (t.tag === tag) return ok(t.value);
    if (t.constructed && depth < 8) {
      const inner = findTlv(t.value, tag, depth + 1);
      if (!inner.ok || inner.value !== null) return inner;
    }
  }
  return ok(null);
}
