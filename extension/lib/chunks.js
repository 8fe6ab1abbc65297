// lib/chunks.js — reassembly of the `chunk` notifications the daemon uses for
// messages too large for one host → browser frame (1 MB). Each chunk carries
// base64 of a slice of the message's UTF-8 JSON; the slices of a stream,
// joined in seq order (0, 1, … up to the one marked final), are the message.
// Streams that stop arriving are dropped after a timeout so memory stays
// bounded. Pure logic (no chrome.*), unit tested.

export class ChunkError extends Error {}

/** Decodes standard base64 into bytes (atob exists in workers and Node ≥ 16). */
export function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class ChunkAssembler {
  /**
   * @param {object} [opts]
   * @param {number} [opts.timeoutMs]  drop a stream when no chunk came for this long
   * @param {number} [opts.maxStreams] streams held at once; the stalest goes first
   * @param {number} [opts.maxBytes]   decoded bytes one stream may hold
   * @param {() => number} [opts.now]
   */
  constructor({ timeoutMs = 60_000, maxStreams = 16, maxBytes = 512 * 1024 * 1024, now = Date.now } = {}) {
    this.timeoutMs = timeoutMs;
    this.maxStreams = maxStreams;
    this.maxBytes = maxBytes;
    this.now = now;
    /** @type {Map<number, {parts: Map<number, Uint8Array>, finalSeq: number, bytes: number, last: number}>} */
    this.streams = new Map();
  }

  /** How many streams are incomplete. */
  get pending() {
    return this.streams.size;
  }

  /**
   * Takes the params of one `chunk` notification. Returns the reassembled
   * message once every chunk of its stream is in, else null. Throws a
   * ChunkError for a malformed chunk; its stream is then dropped.
   */
  add(chunk) {
    this.sweep();
    if (!chunk || typeof chunk !== 'object') throw new ChunkError('chunk params must be an object');
    const { stream, seq, final, data } = chunk;
    if (!Number.isSafeInteger(stream)) throw new ChunkError('chunk.stream must be an integer');
    if (!Number.isSafeInteger(seq) || seq < 0) {
      this.streams.delete(stream);
      throw new ChunkError(`chunk.seq must be an integer ≥ 0 (stream ${stream})`);
    }
    if (typeof data !== 'string') {
      this.streams.delete(stream);
      throw new ChunkError(`chunk.data must be a base64 string (stream ${stream})`);
    }
    let s = this.streams.get(stream);
    if (!s) {
      if (this.streams.size >= this.maxStreams) this.dropStalest();
      s = { parts: new Map(), finalSeq: -1, bytes: 0, last: this.now() };
      this.streams.set(stream, s);
    }
    s.last = this.now();
    if (final === true) {
      if (s.finalSeq >= 0 && s.finalSeq !== seq) {
        this.streams.delete(stream);
        throw new ChunkError(`stream ${stream} has two final chunks (${s.finalSeq} and ${seq})`);
      }
      s.finalSeq = seq;
    }
    if (s.finalSeq >= 0 && seq > s.finalSeq) {
      this.streams.delete(stream);
      throw new ChunkError(`stream ${stream}: chunk ${seq} comes after the final chunk ${s.finalSeq}`);
    }
    if (!s.parts.has(seq)) {
      let bytes;
      try {
        bytes = base64ToBytes(data);
      } catch {
        this.streams.delete(stream);
        throw new ChunkError(`stream ${stream}: chunk ${seq} is not valid base64`);
      }
      s.bytes += bytes.length;
      if (s.bytes > this.maxBytes) {
        this.streams.delete(stream);
        throw new ChunkError(`stream ${stream} exceeds ${this.maxBytes} bytes`);
      }
      s.parts.set(seq, bytes);
    }
    if (s.finalSeq < 0 || s.parts.size !== s.finalSeq + 1) return null;

    this.streams.delete(stream);
    const whole = new Uint8Array(s.bytes);
    let off = 0;
    for (let i = 0; i <= s.finalSeq; i++) {
      const part = s.parts.get(i);
      whole.set(part, off);
      off += part.length;
    }
    let message;
    try {
      message = JSON.parse(new TextDecoder('utf-8').decode(whole));
    } catch (e) {
      throw new ChunkError(`stream ${stream}: reassembled message is not JSON: ${e.message}`);
    }
    if (!message || typeof message !== 'object' || Array.isArray(message)) {
      throw new ChunkError(`stream ${stream}: reassembled message is not a JSON object`);
    }
    return message;
  }

  /** Drops streams idle past the timeout; returns the ids dropped. */
  sweep() {
    const dropped = [];
    const limit = this.now() - this.timeoutMs;
    for (const [id, s] of this.streams) {
      if (s.last <= limit) {
        this.streams.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  /** Forgets every stream (the port closed). */
  clear() {
    this.streams.clear();
  }

  dropStalest() {
    let oldest = null;
    for (const [id, s] of this.streams) {
      if (oldest === null || s.last < this.streams.get(oldest).last) oldest = id;
    }
    if (oldest !== null) this.streams.delete(oldest);
  }
}
