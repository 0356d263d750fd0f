// Runs in a worker thread and steps the main thread statement by statement through the V8
// inspector (a thread cannot pause itself). Breakpoints open the walk at the start of "root"
// functions; from there every step is taken with stepInto (through libraries without stopping),
// and a step is kept when the root is
// on its stack, synchronous or async (so a continuation after an `await` counts, and a timer
// that fires meanwhile, such as the journal heartbeat, does not). Plain JS: no loader needed.

import { parentPort, workerData } from 'node:worker_threads';
import { Session } from 'node:inspector';
import { writeSync } from 'node:fs';

const session = new Session();
session.connectToMainThread();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
// Set by the main thread once the action is done (its last step taken): from the next pause on,
// nothing is stepped. Read here, not posted, because the main thread is paused at every step.
const done = new Int32Array(workerData.done);
// A session does not keep a worker alive by itself.
const keepAlive = setInterval(() => {}, 60_000);

const urls = new Map();
const blackbox = (scriptId) => post('Debugger.setBlackboxedRanges', { scriptId, positions: [{ lineNumber: 0, columnNumber: 0 }] }).catch((e) => { if (process.env.WALK_DEBUG) writeSync(2, 'bb ' + urls.get(scriptId) + ' ' + e.message + '\n'); });
session.on('Debugger.scriptParsed', ({ params }) => {
  urls.set(params.scriptId, params.url);
  if (ready && !params.url.startsWith('file:')) void blackbox(params.scriptId);
});
let ready = false;

/** Roots: { scriptId, start: [line, col], end: [line, col] } of each root function's body. */
let roots = [];
/** Calls of each root so far (its breakpoint hit): a step belongs to the latest call of its root. */
let calls = [];
/** Breakpoint id -> root index. */
const rootOfBreakpoint = new Map();
let stepping = false;
let steps = 0;
const kept = [];

const before = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
const rootOf = (scriptId, line, col) => roots.findIndex((r) => r.scriptId === scriptId && before(r.start, [line, col]) && before([line, col], r.end));

function onChain(params) {
  for (const f of params.callFrames) {
    const r = rootOf(f.location.scriptId, f.location.lineNumber, f.location.columnNumber);
    if (r >= 0) return r;
  }
  for (let t = params.asyncStackTrace; t; t = t.parent) {
    for (const f of t.callFrames) {
      const r = rootOf(f.scriptId, f.lineNumber, f.columnNumber);
      if (r >= 0) return r;
    }
  }
  return -1;
}

/** WALK_DEBUG=1: every pause on stderr (where, why, and the next frames down). */
function trace(params) {
  const where = (f) => `${urls.get(f.location.scriptId) ?? '?'}:${f.location.lineNumber}:${f.location.columnNumber} ${f.functionName}`;
  const below = params.callFrames.slice(1, 4).map((f) => `${(urls.get(f.location.scriptId) ?? '?').replace(/.*\//, '')}:${f.functionName}`);
  writeSync(2, `P ${where(params.callFrames[0])} ${params.reason} frames=${params.callFrames.length} ${below.join(' < ')}\n`);
}

session.on('Debugger.paused', ({ params }) => {
  if (process.env.WALK_DEBUG) trace(params);
  if (stepping && Atomics.load(done, 0) === 1) {
    // The walk is over: run free. (Stepping on into the test's own async continuations is where
    // V8 11's scope iterator used to abort the process: "function_->context() != *context_".)
    stepping = false;
    session.post('Debugger.resume');
    return;
  }
  steps++;
  for (const id of params.hitBreakpoints ?? []) if (rootOfBreakpoint.has(id)) calls[rootOfBreakpoint.get(id)]++;
  const root = onChain(params);
  if (root >= 0) {
    const top = params.callFrames[0];
    kept.push({ root, call: calls[root], url: urls.get(top.location.scriptId) ?? top.url, fn: top.functionName });
  }
  // Node's async-hook bookkeeping (switched on by the async stack traces) never calls project code.
  const internal = /^node:internal\/(async_hooks|inspector_async_hook|util)$/.test(urls.get(params.callFrames[0].location.scriptId) ?? '');
  session.post(!stepping ? 'Debugger.resume' : internal ? 'Debugger.stepOut' : 'Debugger.stepInto');
});

/** The offset just past the `}` that closes the `{` at `open`, skipping strings and comments. */
function closingBrace(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
    } else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i);
    else if (c === '/' && src[i + 1] === '*') i = src.indexOf('*/', i) + 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    if (i < 0) break;
  }
  throw new Error('unbalanced braces');
}

const position = (src, offset) => {
  const lines = src.slice(0, offset).split('\n');
  return [lines.length - 1, lines.at(-1).length];
};

async function arm(points) {
  roots = [];
  const ids = [];
  for (const { urlSuffix, pattern } of points) {
    const entry = [...urls].find(([, u]) => u.endsWith(urlSuffix));
    if (!entry) throw new Error(`no script loaded whose URL ends with ${urlSuffix}`);
    const { scriptSource } = await post('Debugger.getScriptSource', { scriptId: entry[0] });
    const m = new RegExp(pattern).exec(scriptSource);
    if (!m) throw new Error(`no /${pattern}/ in ${urlSuffix}`);
    // The pattern ends at the body's opening brace.
    const open = m.index + m[0].length - 1;
    if (scriptSource[open] !== '{') throw new Error(`/${pattern}/ must end with the body's "{"`);
    const start = position(scriptSource, open);
    roots.push({ scriptId: entry[0], start, end: position(scriptSource, closingBrace(scriptSource, open)) });
    const bp = await post('Debugger.setBreakpointByUrl', { url: entry[1], lineNumber: start[0], columnNumber: start[1] + 1 });
    rootOfBreakpoint.set(bp.breakpointId, roots.length - 1);
    ids.push(bp.breakpointId);
  }
  calls = roots.map(() => 0);
  return ids;
}

let breakpoints = [];
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'arm') {
      breakpoints = await arm(msg.points);
      stepping = true;
      parentPort.postMessage({ type: 'armed' });
    } else if (msg.type === 'stop') {
      stepping = false;
      for (const id of breakpoints) await post('Debugger.removeBreakpoint', { breakpointId: id });
      await post('Debugger.disable');
      clearInterval(keepAlive);
      parentPort.postMessage({ type: 'walk', steps, kept });
      session.disconnect();
    }
  } catch (err) {
    stepping = false;
    parentPort.postMessage({ type: 'error', message: err.message });
  }
});
await post('Debugger.enable');
await post('Debugger.setAsyncCallStackDepth', { maxDepth: 32 });
// Steps never stop inside libraries, Node itself or the test's own code: stepInto runs through
// them and stops at the next statement of the project's source (a callback, a continuation).
await post('Debugger.setBlackboxPatterns', { patterns: ['/node_modules/', '/tests/', '/scripts/'] });
// Node's own modules do not answer to patterns: each is blackboxed from its first character.
await Promise.all([...urls].filter(([, u]) => !u.startsWith('file:')).map(([scriptId]) => blackbox(scriptId)));
ready = true;
parentPort.postMessage({ type: 'ready' });
