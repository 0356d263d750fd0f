// OSC 1.0 messages and bundles, encoded and decoded from the spec (opensoundcontrol.org, "The Open
// Sound Control 1.0 Specification"): strings and blobs padded to 4 bytes, big-endian numbers, a type
// tag string starting with ','. Pure; a malformed packet is an OscFormatError, never a crash.

export type OscArg = number | string | boolean | null | Uint8Array | { type: 'i' | 'f' | 'd' | 'h'; value: number };

export interface OscMessage {
  address: string;
  args: OscArg[];
}

export class OscFormatError extends Error {}

/** The most messages a bundle (nested bundles included) may carry; more is a flood, not a show. */
const MAX_BUNDLE_MESSAGES = 64;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function readString(buf: Buffer, at: number, what: string): { value: string; next: number } {
  const end = buf.indexOf(0, at);
  if (end < 0) throw new OscFormatError(`${what} at byte ${at} has no terminating zero`);
  const next = pad4(end + 1);
  if (next > buf.length) throw new OscFormatError(`${what} at byte ${at} is not padded to 4 bytes`);
  return { value: buf.toString('utf8', at, end), next };
}

function need(buf: Buffer, at: number, n: number, what: string): void {
  if (at + n > buf.length) throw new OscFormatError(`${what} at byte ${at} needs ${n} bytes, the packet ends at ${buf.length}`);
}

export function decodeMessage(buf: Buffer): OscMessage {
  const address = readString(buf, 0, 'address');
  if (!address.value.startsWith('/')) throw new OscFormatError(`an OSC address starts with "/", got ${JSON.stringify(address.value.slice(0, 40))}`);
  // OSC 1.0 allows a message without a type tag string (older senders): no arguments then.
  if (address.next >= buf.length) return { address: address.value, args: [] };
  const tags = readString(buf, address.next, 'type tags');
  if (!tags.value.startsWith(',')) throw new OscFormatError(`type tags start with ",", got ${JSON.stringify(tags.value.slice(0, 20))}`);
  const args: OscArg[] = [];
  let at = tags.next;
  for (const tag of tags.value.slice(1)) {
    switch (tag) {
      case 'i':
        need(buf, at, 4, 'int32');
        args.push(buf.readInt32BE(at));
        at += 4;
        break;
      case 'f':
        need(buf, at, 4, 'float32');
        args.push(buf.readFloatBE(at));
        at += 4;
        break;
      case 'd':
        need(buf, at, 8, 'float64');
        args.push(buf.readDoubleBE(at));
        at += 8;
        break;
      case 'h':
        need(buf, at, 8, 'int64');
        args.push(Number(buf.readBigInt64BE(at)));
        at += 8;
        break;
      case 's':
      case 'S': {
        const s = readString(buf, at, 'string');
        args.push(s.value);
        at = s.next;
        break;
      }
      case 'b': {
        need(buf, at, 4, 'blob size');
        const size = buf.readInt32BE(at);
        if (size < 0) throw new OscFormatError(`blob at byte ${at} has a negative size`);
        need(buf, at + 4, pad4(size), 'blob');
        args.push(new Uint8Array(buf.subarray(at + 4, at + 4 + size)));
        at += 4 + pad4(size);
        break;
      }
      case 'T':
        args.push(true);
        break;
      case 'F':
        args.push(false);
        break;
      case 'N':
      case 'I':
        args.push(null);
        break;
      default:
        throw new OscFormatError(`unsupported OSC type tag "${tag}"`);
    }
  }
  return { address: address.value, args };
}

/** Every message in a packet: a message, or a bundle (its time tag ignored: commands act now). */
export function decodePacket(buf: Buffer): OscMessage[] {
  const out: OscMessage[] = [];
  decodeInto(buf, out, 0);
  return out;
}

function decodeInto(buf: Buffer, out: OscMessage[], depth: number): void {
  if (buf.length === 0 || buf.length % 4 !== 0) throw new OscFormatError(`an OSC packet is a multiple of 4 bytes long, got ${buf.length}`);
  if (buf[0] !== 0x23 /* # */) {
    out.push(decodeMessage(buf));
    return;
  }
  if (depth > 4) throw new OscFormatError('bundles nested deeper than 4');
  const head = readString(buf, 0, 'bundle');
  if (head.value !== '#bundle') throw new OscFormatError(`expected "#bundle", got ${JSON.stringify(head.value.slice(0, 20))}`);
  let at = head.next + 8; // the time tag
  need(buf, head.next, 8, 'time tag');
  while (at < buf.length) {
    need(buf, at, 4, 'bundle element size');
    const size = buf.readInt32BE(at);
    if (size <= 0 || size % 4 !== 0) throw new OscFormatError(`bundle element at byte ${at} has size ${size}`);
    need(buf, at + 4, size, 'bundle element');
    decodeInto(buf.subarray(at + 4, at + 4 + size), out, depth + 1);
    if (out.length > MAX_BUNDLE_MESSAGES) throw new OscFormatError(`a bundle may carry at most ${MAX_BUNDLE_MESSAGES} messages`);
    at += 4 + size;
  }
}

function encodeString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(pad4(bytes.length + 1));
  bytes.copy(out);
  return out;
}

/** A message: JS numbers go as int32 when whole and in range, float32 otherwise; `{type, value}` forces one. */
export function encodeMessage(address: string, args: readonly OscArg[] = []): Buffer {
  let tags = ',';
  const parts: Buffer[] = [];
  for (const a of args) {
    if (typeof a === 'string') {
      tags += 's';
      parts.push(encodeString(a));
    } else if (typeof a === 'boolean') tags += a ? 'T' : 'F';
    else if (a === null) tags += 'N';
    else if (a instanceof Uint8Array) {
      tags += 'b';
      const b = Buffer.alloc(4 + pad4(a.length));
      b.writeInt32BE(a.length, 0);
      Buffer.from(a).copy(b, 4);
      parts.push(b);
    } else {
      const typed = typeof a === 'number' ? { type: Number.isInteger(a) && Math.abs(a) < 2 ** 31 ? ('i' as const) : ('f' as const), value: a } : a;
      tags += typed.type;
      const b = Buffer.alloc(typed.type === 'd' || typed.type === 'h' ? 8 : 4);
      if (typed.type === 'i') b.writeInt32BE(typed.value, 0);
      else if (typed.type === 'f') b.writeFloatBE(typed.value, 0);
      else if (typed.type === 'd') b.writeDoubleBE(typed.value, 0);
      else b.writeBigInt64BE(BigInt(Math.trunc(typed.value)), 0);
      parts.push(b);
    }
  }
  return Buffer.concat([encodeString(address), encodeString(tags), ...parts]);
}
