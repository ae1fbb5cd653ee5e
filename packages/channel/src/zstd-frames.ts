// A structural check of zstd data before it is decompressed: every frame is whole (header,
// blocks up to the last one, checksum). Node before 24.20 decompresses a truncated zstd
// frame to an empty buffer without an error, so a message cut short would arrive as empty
// instead of failing. Walking the block headers costs a few reads per 128 KiB block.
// Frame layout: RFC 8878, section 3.1.

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const DICT_ID_SIZES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_SIZES = [0, 2, 4, 8] as const;
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;

/** What is wrong with `data` as a sequence of whole zstd frames, or undefined if nothing. */
export function zstdFramesProblem(data: Uint8Array): string | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const end = data.length;
  if (end === 0) return 'zstd data is empty';
  let at = 0;
  const short = (what: string, need: number): string =>
    `zstd data ends inside ${what} at byte ${at}: ${need - (end - at)} bytes missing`;
  while (at < end) {
    if (end - at < 4) return short('a frame magic number', 4);
    const magic = view.getUint32(at, true);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (end - at < 8) return short('a skippable frame header', 8);
      const size = view.getUint32(at + 4, true);
      if (end - at < 8 + size) return short('a skippable frame', 8 + size);
      at += 8 + size;
      continue;
    }
    if (magic !== ZSTD_MAGIC)
      return `not zstd data: bad frame magic 0x${magic.toString(16)} at byte ${at}`;
    if (end - at < 5) return short('a frame header', 5);
    const descriptor = data[at + 4] as number;
    const singleSegment = (descriptor >> 5) & 1;
    const hasChecksum = (descriptor >> 2) & 1;
    if ((descriptor >> 3) & 1) return `zstd frame at byte ${at} sets a reserved bit`;
    const contentSizeFlag = descriptor >> 6;
    const contentSizeBytes =
      contentSizeFlag === 0 ? singleSegment : (CONTENT_SIZE_SIZES[contentSizeFlag] as number);
    const headerBytes =
      5 + (singleSegment ? 0 : 1) + (DICT_ID_SIZES[descriptor & 3] as number) + contentSizeBytes;
    if (end - at < headerBytes) return short('a frame header', headerBytes);
    at += headerBytes;
    for (let last = 0; !last; ) {
      if (end - at < 3) return short('a block header', 3);
      const header =
        (data[at] as number) | ((data[at + 1] as number) << 8) | ((data[at + 2] as number) << 16);
      last = header & 1;
      const type = (header >> 1) & 3;
      if (type === BLOCK_RESERVED) return `zstd block at byte ${at} has the reserved type`;
      const size = type === BLOCK_RLE ? 1 : header >>> 3;
      if (end - at < 3 + size) return short('a block', 3 + size);
      at += 3 + size;
    }
    if (hasChecksum) {
      if (end - at < 4) return short('the frame checksum', 4);
      at += 4;
    }
  }
  return undefined;
}
