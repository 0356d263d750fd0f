// The walk of one GO, as the desk sends it, to the outputs: a real show server in this process
// (the demo show, lighting to a recording driver), the desk's own DeskLink and an output's
// ShowLink (the stage's link) over real sockets. Recorded by tests/tools/walk.ts from three roots:
// the desk's command call (what the GO key and button call), the server's socket handler for
// commands, and ShowLink.takeSnapshot on every client (where an output takes the new state).

import { DeskLink } from '../../control-desk/src/net.ts';
import { ShowLink } from '../../client/show-link.ts';
import { copyDemoShow, startTestServer, tempDir, waitUntil } from '../server/helpers.ts';
import { recordWalk, type Walk, type WalkRoot } from './walk.ts';

export const GO_ROOTS: WalkRoot[] = [
  { urlSuffix: '/control-desk/src/net.ts', pattern: '\\bcommand\\(cmd\\)\\s*\\{' },
  { urlSuffix: '/server/src/adapters/sockets.ts', pattern: 'EVENTS\\.command,\\s*\\(cmd,\\s*ack\\)\\s*=>\\s*\\{' },
  { urlSuffix: '/client/show-link.ts', pattern: '\\btakeSnapshot\\(snap\\)\\s*\\{' },
];

export interface GoWalk extends Walk {
  /** The GO's answer on the desk. */
  reply: { ok: boolean; error?: string };
  /** Lighting messages the recording driver got during the walk. */
  lightingMessages: number;
}

/** The desk page's socket.io client dials its own origin; in Node the origin is given for the constructor. */
function withOrigin<T>(url: string, make: () => T): T {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'location');
  Object.defineProperty(globalThis, 'location', { value: new URL(url), configurable: true });
  try {
    return make();
  } finally {
    if (had) Object.defineProperty(globalThis, 'location', had);
    else delete (globalThis as { location?: unknown }).location;
  }
}

export async function recordGoWalk(): Promise<GoWalk> {
  const { server, recorder } = await startTestServer(undefined, { showDir: copyDemoShow(), stateDir: tempDir() });
  // Stepping makes the server take minutes over what takes milliseconds: engine.io's heartbeat (a
  // ping every 5 s, 5 s to answer) would close the links mid-walk. The clients take these values
  // from the handshake, so they are raised before they connect.
  Object.assign(server.io.engine.opts, { pingInterval: 600_000, pingTimeout: 600_000 });
  const desk = withOrigin(server.url, () => new DeskLink(server.tokens.operator));
  const output = new ShowLink({ url: server.url, token: server.tokens.outputs['main-projector']!, query: { output: 'main-projector' } });
  if (process.env.WALK_DEBUG) for (const [name, l] of [['desk', desk.link], ['output', output]] as const) l.socket.on('disconnect', (r: string) => process.stderr.write(`${name} disconnect: ${r}\n`));
  try {
    await waitUntil(() => desk.link.snapshot && output.snapshot, 60_000, 'desk and output connected');
    const revision = output.snapshot!.revision;
    const lightingBefore = recorder.messages.length;
    // Stepping makes the server take far longer than the desk's 5 s wait for an answer: the same
    // request, with a longer wait (the test's own wrapper, not stepped through).
    const request = desk.link.request.bind(desk.link);
    desk.link.request = <T>(event: string, payload: unknown): Promise<T> => request<T>(event, payload, 600_000);
    let reply: GoWalk['reply'] = { ok: false };
    const walk = await recordWalk(GO_ROOTS, async (done) => {
      reply = await desk.command({ command: 'go' });
      // Done when the output and the desk hold the new state (generous: stepping is slow).
      await waitUntil(() => {
        const taken = output.snapshot!.revision > revision && desk.link.snapshot!.revision > revision;
        if (taken) done();
        return taken;
      }, 120_000, 'the new state on the output and the desk');
    });
    return { ...walk, reply, lightingMessages: recorder.messages.length - lightingBefore };
  } finally {
    desk.link.socket.close();
    output.socket.close();
    await server.close();
  }
}
