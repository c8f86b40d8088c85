/**
 * Script-tag bundle only (a Vite/Rolldown plugin): drops code of @supabase/phoenix and
 * @supabase/realtime-js that rt-monitor's own realtime client can never run, for the size budget.
 *
 * - phoenix's LongPoll transport, the fallback to it, and its XHR/fetch helpers (`Ajax.request` …): realtime-js always
 *   hands phoenix a WebSocket constructor and never sets `longPollFallbackMs`, so the fallback
 *   is unreachable. `Ajax.serialize` / `Ajax.appendParams` (used to build the socket URL) stay.
 * - realtime-js's channel `send()` / `httpSend()` (broadcast and presence messages): rt-monitor's
 *   channels only listen to postgres_changes. They now reject with an explanation (a page that
 *   sends broadcasts uses its own supabase-js client, which it can share: `configure({ client })`).
 * - phoenix's own (binary) serializer, replaced by a JSON one: realtime-js always passes its own
 *   encode / decode. realtime-js's binary encoding of sent broadcasts (sending is cut,
 *   above) and decoding of received ones (rt-monitor's channels listen to none).
 * - realtime-js's presence tracking (RealtimePresence → phoenix Presence): rt-monitor's channels
 *   join with `presence: { enabled: false }`, so no presence event ever arrives.
 * - realtime-js's heartbeat Web Worker (a blob: worker): rt-monitor runs with `worker: false`.
 * - realtime-js's WebSocketFactory: the runtime sniffing (Cloudflare, Vercel Edge, Node without
 *   WebSocket) with its long messages; the script tag only runs in browsers. Same API.
 *
 * - realtime-js's conversion of text-encoded column values (`'t'` → true, `'33'` → 33, …): Supabase
 *   Realtime and the local backend send records as typed JSON (jsonb), so it never changed a value
 *   of rt-monitor's tables except to JSON-parse a jsonb *string* that REST returns as a string; rows
 *   from both paths are now alike.
 * - Methods only those parts call (`dropMethods`): their bodies throw instead.
 * - Their logging statements (`this.log(…)`): they only reach a `logger` option, which rt-monitor's
 *   client never sets.
 * - realtime-js's postgres_changes filter builder: rt-monitor passes filter strings.
 *
 * - Lit's standard-decorator (TC39) path of `@property`: rt-monitor's classes use legacy
 *   decorators (tsconfig `experimentalDecorators`), and the bundle exports no decorator.
 *
 * Each cut is an exact text match against the pinned versions (package.json). If an upgrade
 * changes the text, the cut is skipped with a build warning (the bundle still works, only
 * larger: `scripts/check-size.mjs` then says so). A host page's own SupabaseClient is not affected.
 */
import MagicString from 'magic-string';
import { parseAst } from 'vite';

/** @type {Array<{ file: RegExp, stripLogs?: boolean, dropMethods?: string[], cuts: Array<{ name: string, from: string, to?: string, with: string }> }>} */
const RULES = [
  {
    file: /node_modules\/@supabase\/phoenix\/priv\/static\/phoenix\.mjs$/,
    stripLogs: true,
    // only called by the LongPoll fallback (cut below)
    dropMethods: ['ping', 'replaceTransport', 'transportName', 'getSession', 'storeSession', 'getLongPollTransport'],
    cuts: [
      {
        name: 'phoenix LongPoll transport',
        from: '// js/phoenix/longpoll.js\n',
        to: '// js/phoenix/presence.js\n',
        with:
          '// js/phoenix/longpoll.js (removed from rt-monitor\'s script-tag bundle: realtime-js never uses it)\n' +
          'var LongPoll = class {\n  constructor() {\n    throw new Error("LongPoll transport is not included in rt-monitor.js");\n  }\n};\n\n' +
          '// js/phoenix/presence.js\n',
      },
      {
        name: 'phoenix LongPoll fallback',
        from: '  connectWithFallback(fallbackTransport, fallbackThreshold = 2500) {',
        to: '  clearHeartbeats() {',
        with: '  connectWithFallback() {\n    throw new Error("LongPoll fallback is not included in rt-monitor.js");\n  }\n  clearHeartbeats() {',
      },
      {
        name: "phoenix's own binary serializer (realtime-js always passes its own encode / decode)",
        from: '// js/phoenix/serializer.js\n',
        to: '// js/phoenix/socket.js\n',
        with:
          "// js/phoenix/serializer.js (JSON only in rt-monitor.js: realtime-js passes its own encode / decode)\n" +
          'var serializer_default = {\n' +
          '  encode(msg, callback) {\n    return callback(JSON.stringify([msg.join_ref, msg.ref, msg.topic, msg.event, msg.payload]));\n  },\n' +
          '  decode(rawPayload, callback) {\n    let [join_ref, ref, topic, event, payload] = JSON.parse(rawPayload);\n    return callback({ join_ref, ref, topic, event, payload });\n  }\n};\n\n' +
          '// js/phoenix/socket.js\n',
      },
      {
        name: 'phoenix Ajax requests (LongPoll only)',
        from: 'var Ajax = class {\n  static request(',
        to: '  static serialize(obj, parentKey) {',
        with: 'var Ajax = class {\n  static serialize(obj, parentKey) {',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/RealtimeChannel\.js$/,
    stripLogs: true,
    dropMethods: ['_fetchWithTimeout', 'track', 'untrack'], // they only call send() / httpSend() (cut below)
    cuts: [
      {
        name: 'realtime-js channel send() / httpSend() (broadcast and presence messages)',
        from: '    async httpSend(event, payload, opts = {}) {',
        to: '    updateJoinPayload(payload) {',
        with:
          '    async httpSend() {\n        throw new Error(\'channel.httpSend() is not included in rt-monitor.js (it only listens); use supabase-js to send.\');\n    }\n' +
          '    async send() {\n        throw new Error(\'channel.send() is not included in rt-monitor.js (it only listens); use supabase-js to send.\');\n    }\n' +
          '    updateJoinPayload(payload) {',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/RealtimePostgresFilterBuilder\.js$/,
    cuts: [
      {
        name: 'realtime-js postgres_changes filter builder (rt-monitor passes filter strings)',
        from: '// Reserved characters that force PostgREST-style quoting',
        to: 'export const postgresChangesFilter = () => new RealtimePostgresFilterBuilder();',
        with:
          'export class RealtimePostgresFilterBuilder {\n    constructor() {\n        throw new Error(\'postgresChangesFilter() is not included in rt-monitor.js.\');\n    }\n}\n' +
          'export const postgresChangesFilter = () => new RealtimePostgresFilterBuilder();',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/RealtimePresence\.js$/,
    cuts: [
      { name: 'realtime-js presence (import)', from: "import PresenceAdapter from './phoenix/presenceAdapter';", with: '' },
      {
        name: 'realtime-js presence (state tracking)',
        from: 'this.presenceAdapter = new PresenceAdapter(this.channel.channelAdapter, opts);',
        with: 'this.presenceAdapter = { state: {} }; // rt-monitor.js: channels join with presence disabled',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/RealtimeClient\.js$/,
    stripLogs: true,
    dropMethods: ['_workerObjectUrl'], // only called by the heartbeat worker (cut below)
    cuts: [
      {
        name: 'realtime-js heartbeat worker (rt-monitor runs with worker: false: no blob: worker under CSP)',
        from: '    _startWorkerHeartbeat() {',
        to: '    _terminateWorker() {',
        with: "    _startWorkerHeartbeat() {\n        throw new Error('The heartbeat worker is not included in rt-monitor.js.');\n    }\n    _terminateWorker() {",
      },
      {
        name: "realtime-js session storage (phoenix keeps only the LongPoll fallback's memory in it)",
        from: 'function createMemorySessionStorage() {',
        to: '    return createMemorySessionStorage();\n}\n',
        with: 'function resolveSessionStorage() {\n    return undefined;\n}\n',
      },
      {
        name: 'realtime-js heartbeat worker script',
        from: 'const WORKER_SCRIPT = `',
        to: '});`;',
        with: "const WORKER_SCRIPT = '';",
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/phoenix\/(channel|socket)Adapter\.js$/,
    stripLogs: true,
    cuts: [],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/lib\/serializer\.js$/,
    cuts: [
      {
        name: 'realtime-js binary encoding of sent broadcasts',
        from: '    _binaryEncodeUserBroadcastPush(message) {',
        to: '    decode(rawPayload, callback) {',
        with: "    _binaryEncodeUserBroadcastPush() {\n        throw new Error('Sending broadcasts is not included in rt-monitor.js.');\n    }\n    decode(rawPayload, callback) {",
      },
      {
        name: 'realtime-js binary decoding of received broadcasts (rt-monitor listens to none)',
        from: '    _binaryDecode(buffer) {',
        to: '    _isArrayBuffer(buffer) {',
        with: '    _binaryDecode() {\n        return {}; // binary frames only carry user broadcasts: ignored (no topic)\n    }\n    _isArrayBuffer(buffer) {',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/lib\/transformers\.js$/,
    cuts: [
      {
        name: 'realtime-js conversion of text-encoded column values',
        from: 'export var PostgresTypes;',
        to: 'export const httpEndpointURL = (socketUrl) => {',
        with:
          '// rt-monitor.js: the server sends records as typed JSON (jsonb), as REST rows are: taken as they are.\n' +
          'export const convertChangeData = (columns, record) => Object.assign({}, record);\n' +
          'export const httpEndpointURL = (socketUrl) => {',
      },
    ],
  },
  {
    file: /node_modules\/@lit\/reactive-element\/decorators\/property\.js$/,
    cuts: [
      {
        name: "Lit's standard (TC39) decorator path of @property (rt-monitor compiles legacy decorators)",
        from: 'r=(t=o,e,r)=>{const{kind:n,metadata:i}=r;',
        to: 'throw Error("Unsupported decorator location: "+n)};',
        with: 'r=()=>{throw Error("Standard decorators are not supported in rt-monitor.js")};',
      },
    ],
  },
  {
    file: /node_modules\/@supabase\/realtime-js\/dist\/module\/lib\/websocket-factory\.js$/,
    cuts: [
      {
        name: 'realtime-js runtime sniffing',
        from: 'export class WebSocketFactory {',
        to: 'export default WebSocketFactory;',
        with: `export class WebSocketFactory {
    static detectEnvironment() {
        return typeof WebSocket !== 'undefined' ? { type: 'native', wsConstructor: WebSocket } : { type: 'unsupported', error: 'WebSocket not supported in this environment.' };
    }
    static getWebSocketConstructor() {
        const env = this.detectEnvironment();
        if (env.wsConstructor) return env.wsConstructor;
        throw new Error(env.error);
    }
    static isWebSocketSupported() {
        return this.detectEnvironment().type === 'native';
    }
}
export default WebSocketFactory;`,
      },
    ],
  },
];

/** Is `node` `this`, or `this.a.b…`? */
const fromThis = (node) => node.type === 'ThisExpression' || (node.type === 'MemberExpression' && !node.computed && fromThis(node.object));

/**
 * `[start, end]` of every statement `this.log(…);` / `this.socket.log(…);` (phoenix's and
 * realtime-js's logging, which calls a `logger` only when one was given: rt-monitor's client gives
 * none). Their arguments are strings and reads, so dropping the calls changes nothing else.
 */
function logStatements(code) {
  const found = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ExpressionStatement') {
      const call = node.expression;
      if (
        call.type === 'CallExpression' &&
        call.callee.type === 'MemberExpression' &&
        !call.callee.computed &&
        call.callee.property.name === 'log' &&
        fromThis(call.callee.object) &&
        call.arguments.every((a) => ['Literal', 'TemplateLiteral', 'Identifier', 'MemberExpression', 'CallExpression'].includes(a.type) && !(a.type === 'CallExpression' && !fromThis(a.callee)))
      ) {
        found.push([node.start, node.end]);
        return;
      }
    }
    for (const key in node) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v);
    }
  };
  visit(parseAst(code, { lang: 'js' }));
  return found;
}

/** `[start, end]` of the body `{ … }` of every class method called `name`. */
function methodBodies(code, name) {
  const found = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'MethodDefinition' && !node.computed && node.key.name === name && node.value.body) {
      found.push([node.value.body.start, node.value.body.end]);
    }
    for (const key in node) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v);
    }
  };
  visit(parseAst(code, { lang: 'js' }));
  return found;
}

/** Applies the cuts of `RULES` that match `id`: `{ code, map }`, or null when none applies. */
export function trimVendor(code, id, warn = console.warn) {
  const rule = RULES.find((r) => r.file.test(id.replace(/\\/g, '/')));
  if (!rule) return null;
  const s = new MagicString(code);
  let changed = false;
  const cutRanges = [];
  for (const cut of rule.cuts) {
    const to = cut.to ?? cut.from; // without `to`, only the `from` text is replaced
    const start = code.indexOf(cut.from);
    const end = start < 0 ? -1 : code.indexOf(to, start);
    if (start < 0 || end < 0 || code.indexOf(cut.from, start + 1) >= 0) {
      warn(`trim-vendor: "${cut.name}" not applied (the text changed in this version); the bundle keeps that code.`);
      continue;
    }
    s.overwrite(start, end + to.length, cut.with);
    cutRanges.push([start, end + to.length]);
    changed = true;
  }
  for (const name of rule.dropMethods ?? []) {
    const bodies = methodBodies(code, name).filter(([a, b]) => !cutRanges.some(([c, d]) => a < d && b > c));
    if (bodies.length !== 1) {
      warn(`trim-vendor: method ${name}() not dropped in ${id} (found ${bodies.length}; the text changed in this version).`);
      continue;
    }
    const [start, end] = bodies[0];
    s.overwrite(start, end, `{\n    throw new Error("${name}() is not included in rt-monitor.js");\n  }`);
    cutRanges.push([start, end]);
    changed = true;
  }
  if (rule.stripLogs) {
    let stripped = 0;
    for (const [start, end] of logStatements(code)) {
      if (cutRanges.some(([a, b]) => start < b && end > a)) continue;
      s.overwrite(start, end, ';');
      stripped++;
    }
    if (!stripped) warn(`trim-vendor: no log statement found in ${id} (the text changed in this version).`);
    changed ||= stripped > 0;
  }
  return changed ? { code: s.toString(), map: s.generateMap({ hires: true, source: id, includeContent: true }) } : null;
}

/** The Vite plugin (script-tag build only). */
export function trimVendorPlugin() {
  return {
    name: 'rt-trim-vendor',
    apply: 'build',
    transform(code, id) {
      return trimVendor(code, id.split('?')[0], (m) => this.warn(m));
    },
  };
}
