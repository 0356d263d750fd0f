// Broadcasts written straight to each viewer's TCP socket. socket.io already encodes a broadcast
// once and builds its websocket frame once (the adapter's wsPreEncodedFrame); what it still does
// per socket is engine.io's packet bookkeeping (a packet object, events, a write buffer, a flush,
// a drain callback) and ws's corked two-part write. With thousands of viewers that per-socket work,
// not the encoding, is what a broadcast costs beyond the system call itself (bench/fans.bench.ts).
//
// Here a socket whose websocket is idle (nothing queued in engine.io or ws, no compression, not
// upgrading) gets the frame, header and payload joined once per broadcast, in one write. Any other
// socket goes the usual way, so order and delivery are exactly engine.io's. The bytes on the wire
// are the same either way.

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

/** Route this connection's pre-encoded broadcasts through one direct write when it is idle. */
export function directFrames(socket: Socket): void {
  const client = socket.client as unknown as { conn: EngineConnection; writeToEngine: WriteToEngine; directFrames?: true };
  if (client.directFrames) return;
  client.directFrames = true;
  const usual = client.writeToEngine.bind(client);
  client.writeToEngine = (encoded, opts) => {
    const frame = opts.wsPreEncodedFrame;
    const tcp = frame ? idleTcpSocket(client.conn) : null;
    if (!frame || !tcp) return usual(encoded, opts);
    let joined = joinedFrames.get(frame);
    if (!joined) joinedFrames.set(frame, (joined = frame.length === 1 ? frame[0]! : Buffer.concat(frame)));
    tcp.write(joined);
  };
}
