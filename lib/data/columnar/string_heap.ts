/**
 * Strings by row packed into one byte array (Latin-1 for ASCII-only strings, UTF-8
 * otherwise), for columns of mostly unique strings (ids, URLs): a fraction of the memory
 * of one JS string per row, decoded on demand.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A {@link StringHeap} as plain data: its bytes (the first `pos` in use) and rows. */
export interface StringHeapData {
  bytes: Uint8Array;
  pos: number;
  starts: Int32Array;
  lens: Int32Array;
}

/** Strings by row, appended in row order (rows without a string hold none). */
export class StringHeap {
  #bytes: Uint8Array;
  #pos = 0;
  #starts: Int32Array;
  /** Byte length of each row's string; negative when it is UTF-8 (not ASCII). */
  #lens: Int32Array;

  constructor(capacity: number) {
    this.#starts = new Int32Array(capacity);
    this.#lens = new Int32Array(capacity);
    this.#bytes = new Uint8Array(Math.max(1024, capacity * 16));
  }

  /** Stores `s` as the string of `row`. */
  set(row: number, s: string): void {
    if (row >= this.#starts.length) this.grow(Math.max(row + 1, this.#starts.length * 2));
    const n = s.length;
    this.#reserve(n * 3);
    const bytes = this.#bytes;
    const start = this.#pos;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        ascii = false;
        break;
      }
      bytes[start + i] = c;
    }
    let len = n;
    if (!ascii) len = -encoder.encodeInto(s, bytes.subarray(start)).written;
    this.#starts[row] = start;
    this.#lens[row] = len;
    this.#pos = start + Math.abs(len);
  }

  #reserve(extra: number): void {
    if (this.#pos + extra <= this.#bytes.length) return;
    const size = Math.max(this.#bytes.length * 2, this.#pos + extra);
    if (size > 2 ** 31 - 1) throw new Error("A string column exceeds 2 GB of text");
    const bytes = new Uint8Array(size);
    bytes.set(this.#bytes.subarray(0, this.#pos));
    this.#bytes = bytes;
  }

  /** The string of `row`. */
  at(row: number): string {
    const start = this.#starts[row], len = this.#lens[row];
    if (len < 0) return decoder.decode(this.#bytes.subarray(start, start - len));
    if (len <= 64) {
      return String.fromCharCode.apply(null, this.#bytes.subarray(start, start + len) as never);
    }
    let s = "";
    for (let i = start; i < start + len; i += 4096) {
      const end = Math.min(start + len, i + 4096);
      s += String.fromCharCode.apply(null, this.#bytes.subarray(i, end) as never);
    }
    return s;
  }

  /** A test of whether a row's string is `s`, comparing bytes (no decoding). */
  matcher(s: string): (row: number) => boolean {
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 128;
    const want = encoder.encode(s);
    const len = ascii ? want.length : -want.length;
    return (row) => {
      if (this.#lens[row] !== len) return false;
      const bytes = this.#bytes, start = this.#starts[row];
      for (let i = 0; i < want.length; i++) if (bytes[start + i] !== want[i]) return false;
      return true;
    };
  }

  /** Resizes the per-row arrays. */
  grow(capacity: number): void {
    const starts = new Int32Array(capacity), lens = new Int32Array(capacity);
    starts.set(this.#starts.subarray(0, Math.min(capacity, this.#starts.length)));
    lens.set(this.#lens.subarray(0, Math.min(capacity, this.#lens.length)));
    this.#starts = starts;
    this.#lens = lens;
  }

  /** Trims to `size` rows and the bytes in use. */
  trim(size: number): void {
    if (size !== this.#starts.length) this.grow(size);
    if (this.#pos !== this.#bytes.length) this.#bytes = this.#bytes.slice(0, this.#pos);
  }

  /** The heap as plain data (its arrays, not copies), for {@link StringHeap.appendData}. */
  data(): StringHeapData {
    return { bytes: this.#bytes, pos: this.#pos, starts: this.#starts, lens: this.#lens };
  }

  /** Appends `count` rows of another heap's data as rows `base`… of this one. */
  appendData(src: StringHeapData, base: number, count: number): void {
    if (base + count > this.#starts.length) this.grow(base + count);
    this.#reserve(src.pos);
    const at = this.#pos;
    this.#bytes.set(src.bytes.subarray(0, src.pos), at);
    for (let r = 0; r < count; r++) {
      this.#starts[base + r] = src.starts[r] + at;
      this.#lens[base + r] = src.lens[r];
    }
    this.#pos = at + src.pos;
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.#bytes.byteLength + this.#starts.byteLength + this.#lens.byteLength;
  }
}
