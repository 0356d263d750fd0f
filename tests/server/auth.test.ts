// One token parse for every door: the HTTP routes and the socket handshake read the bearer token
// with the same helper, so a client that sends `Authorization: Bearer <token>` gets the same role
// on either, and a malformed header is refused the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ShowServer } from '../../server/src/server.ts';
import { bearerToken, carriedToken } from '../../server/src/adapters/auth.ts';
import { makeTimeline } from './fixtures.ts';
import { connect, getJson, once, startTestServer } from './helpers.ts';

describe('bearer token parsing', () => {
  it('reads the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer abc123')).toBe('abc123');
    expect(bearerToken('bearer   abc123 ')).toBe('abc123');
    expect(bearerToken('Basic abc123')).toBeUndefined();
    expect(bearerToken('Bearer two words')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(['Bearer abc'])).toBeUndefined();
  });

  it('takes the socket auth field first, then the header, then ?token=', () => {
    expect(carriedToken({ auth: 'a', authorization: 'Bearer h', query: 'q' })).toBe('a');
    expect(carriedToken({ authorization: 'Bearer h', query: 'q' })).toBe('h');
    expect(carriedToken({ auth: '', authorization: 'Basic x', query: 'q' })).toBe('q');
    expect(carriedToken({ query: ['q1', 'q2'] })).toBeUndefined();
    // A non-string auth is passed on so the role check refuses it (not mistaken for "no token").
    expect(carriedToken({ auth: 42 })).toBe(42);
  });
});

describe('the same token on HTTP and on the socket', () => {
  let server: ShowServer;
  const sockets: Socket[] = [];
  const withHeader = (authorization: string): Socket => {
    const s = connect(server.url, undefined, { extraHeaders: { authorization } });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'Only', length: 30 }])));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  it('an operator token in an Authorization header opens both an operator route and an operator socket', async () => {
    const header = `Bearer ${server.tokens.operator}`;
    const res = await fetch(`${server.url}/api/lighting`, { headers: { authorization: header } });
    expect(res.status).toBe(200);
    const hello = await once<{ role: string }>(withHeader(header), 'hello');
    expect(hello.role).toBe('operator');
    const viewer = await once<{ role: string }>(withHeader(`bearer ${server.tokens.viewer}`), 'hello');
    expect(viewer.role).toBe('viewer');
  });

  it('an unknown or malformed header is refused on both', async () => {
    expect((await getJson(`${server.url}/api/lighting`, 'not-a-token')).status).toBe(401);
    await expect(once(withHeader('Bearer not-a-token'), 'hello')).rejects.toThrow(/unauthorized/);
    await expect(once(withHeader(`Basic ${server.tokens.operator}`), 'hello')).rejects.toThrow(/unauthorized/);
  });
});
