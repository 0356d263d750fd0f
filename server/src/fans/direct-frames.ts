// Broadcasts written straight to each viewer's TCP socket. socket.io already encodes a broadcast
// once and builds its websocket frame once (the adapter's wsPreEncodedFrame); what it still does
// per socket is engine.io's packet bookkeeping (a packet object, events, a write buffer, a flush,
// a drain callback) and ws's corked two-part write. With thousands of viewers that per-socket work,
// not the encoding, is what a broadcast costs beyond the system call itself (bench/fans.bench.ts).
//
// Here a socket whose websocket is idle (nothing queued in engine.io or ws, no compression, not
// upgrading) gets the frame, header and payload joined once per broadcast, in one write. Its own
// text packets (clock-ping acks, a second for every viewer, and other unicasts) go the same way:
// the websocket frame built here around engine.io's message packet, one write. Any other socket
// or packet (binary attachments) goes the usual way, so order and delivery are exactly engine.io's.
// The bytes on the wire are the same either way.

import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io';

/** The parts of engine.io's and ws's objects this reads (stable since engine.io 6.5 / ws 8). */
interface EngineConnection {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: {
    name: string;
    writable: boolean;
    perMessageDeflate?: unknown;
    socket?: { readyState: number; _sender?: { _state: number; _queue: unknown[]; _socket?: NetSocket } };
  };
}
interface WriteOptions {
  wsPreEncodedFrame?: Buffer[];
  volatile?: boolean;
}
type WriteToEngine = (encoded: unknown, opts: WriteOptions) => void;

const WS_OPEN = 1;
const SENDER_IDLE = 0;
/** One joined frame per broadcast (the adapter shares its frame array across the sockets). */
const joinedFrames = new WeakMap<Buffer[], Buffer>();

function idleTcpSocket(conn: EngineConnection): NetSocket | null {
  const t = conn.transport;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0) return null;
  if (t.name !== 'websocket' || !t.writable || t.perMessageDeflate) return null;
  const ws = t.socket;
  const sender = ws?._sender;
  if (!ws || ws.readyState !== WS_OPEN || !sender || sender._state !== SENDER_IDLE || sender._queue.length > 0) return null;
  const tcp = sender._socket;
  return tcp && tcp.writable && !tcp.destroyed ? tcp : null;
}

function joinedFrame(frame: Buffer[]): Buffer {
  let joined = joinedFrames.get(frame);
  if (!joined) joinedFrames.set(frame, (joined = frame.length === 1 ? frame[0]! : Buffer.concat(frame)));
  return joined;
}

/** The packet as one string, when socket.io encoded it so (no binary attachments). */
function onlyText(encoded: unknown): string | null {
  const one = Array.isArray(encoded) && encoded.length === 1 ? encoded[0] : encoded;
  return typeof one === 'string' ? one : null;
}

/** An unmasked, final websocket text frame carrying engine.io's message packet ("4" + the socket.io packet). */
export function messageFrame(encoded: string): Buffer {
  const length = 1 + Buffer.byteLength(encoded);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame[header] = 0x34; // '4': engine.io message
  frame.write(encoded, header + 1, 'utf8');
  return frame;
}

/** Route this connection's broadcasts and text packets through one direct write when it is idle. */
export function directFrames(socket: Socket): void {
  const client = socket.client as unknown as { conn: EngineConnection; writeToEngine: WriteToEngine; directFrames?: true };
  if (client.directFrames) return;
  client.directFrames = true;
  const usual = client.writeToEngine.bind(client);
  client.writeToEngine = (encoded, opts) => {
    const frame = opts.wsPreEncodedFrame;
    const text = frame ? null : onlyText(encoded);
    const tcp = frame || text !== null ? idleTcpSocket(client.conn) : null;
    if (!tcp) return usual(encoded, opts);
    tcp.write(frame ? joinedFrame(frame) : messageFrame(text!));
  };
}
