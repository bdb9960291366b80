/**
 * The total unpacked size a zip archive declares, read from its central
 * directory without inflating anything (ZIP64 included). DOCX files are zip
 * archives: this is how an upload that would unpack to gigabytes is refused
 * before mammoth reads it. A lying directory still cannot get through: the
 * inflater checks each entry against its declared size.
 *
 * Returns null when the bytes hold no central directory (not a zip).
 */
export function zipUncompressedBytes(data: Uint8Array): number | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const eocd = findEndOfDirectory(view);
  if (eocd < 0) return null;
  let entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (offset === 0xffffffff || entries === 0xffff) {
    const located = zip64Directory(view, eocd);
    if (!located) return null;
    ({ entries, offset } = located);
  }
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== 0x02014b50) return null;
    let size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (size === 0xffffffff) size = zip64Size(view, offset + 46 + nameLength, extraLength) ?? Number.MAX_SAFE_INTEGER;
    total += size;
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return total;
}

/** Offset of the end-of-central-directory record (searched backwards over a comment of up to 64 KB), or -1. */
function findEndOfDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at;
  }
  return -1;
}

function zip64Directory(view: DataView, eocd: number): { entries: number; offset: number } | null {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) return null;
  const record = Number(view.getBigUint64(locator + 8, true));
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== 0x06064b50) return null;
  return {
    entries: Number(view.getBigUint64(record + 32, true)),
    offset: Number(view.getBigUint64(record + 48, true)),
  };
}

/** The uncompressed size from an entry's ZIP64 extra field (id 1, first field). */
function zip64Size(view: DataView, start: number, length: number): number | null {
  for (let at = start; at + 4 <= start + length && at + 4 <= view.byteLength;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001 && size >= 8 && at + 12 <= view.byteLength) return Number(view.getBigUint64(at + 4, true));
    at += 4 + size;
  }
  return null;
}
