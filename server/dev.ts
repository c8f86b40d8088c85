/**
 * `npm start`: the whole demo with one command.
 *
 *   1. the local backend on 127.0.0.1:54321 — dev controls on, seeded, the simulator on;
 *   2. the demo page (Vite dev server, root `demo/`, the repository's vite.config.ts) on 127.0.0.1:5173.
 *
 * The page learns the backend's URL from `import.meta.env.VITE_RT_BACKEND_URL` (set here) and
 * then reads the anon key and the demo users from `GET /__demo/config`; it never sees the
 * service_role key. Ctrl-C stops both.
 *
 *   npm start [-- --port 54321 --demo-port 5173 --data-dir .data --sql FILE --no-simulator]
 *   (DEMO_PORT also sets the demo port; DATABASE_URL selects PostgreSQL.)
 */
import { commandLine } from './args.ts';
import type { ViteDevServer } from 'vite';
import { startLocalBackend, type LocalBackend } from './index.ts';
import { startDemoVite, ensureScriptBundle } from './demo-vite.ts';

const USAGE = `Usage: npm start [-- options]

Starts the local backend (seeded, dev controls on, the simulator on) and the QA demo page.

  --port N            the backend's port (default 54321)
  --demo-port N       the demo page's port (default 5173, or DEMO_PORT)
  --data-dir DIR      keep the database in DIR (default: in memory)
  --sql FILE          apply FILE after the migrations, at every start (repeatable)
  --no-simulator      keep the demo data still
  --quiet             print less
  -h, --help          this text

DATABASE_URL selects real PostgreSQL instead of the embedded PGlite.`;

const values = commandLine(USAGE, {
  port: { type: 'string', default: '54321' },
  'demo-port': { type: 'string', default: process.env.DEMO_PORT ?? '5173' },
  'data-dir': { type: 'string' },
  sql: { type: 'string', multiple: true, default: [] },
  'no-simulator': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
});

function portArg(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--${name} must be a number from 0 to 65535 (got "${raw}")`);
    process.exit(2);
  }
  return n;
}
const port = portArg('port', values.port);
const demoPort = portArg('demo-port', values['demo-port']);

let backend: LocalBackend | null = null;
let vite: ViteDevServer | null = null;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  console.log('\nstopping the demo and the backend …');
  await vite?.close().catch(() => {});
  await backend?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  backend = await startLocalBackend({
    port,
    dataDir: values['data-dir'],
    devControls: true,
    seed: true,
    simulator: !values['no-simulator'],
    quiet: values.quiet,
    extraSql: values.sql,
  });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`port ${port} is already in use (another backend running?): pass --port to choose another`);
  else console.error(`could not start the local backend: ${e.message}`);
  process.exit(1);
}

let demoUrl = '';
try {
  const demo = await startDemoVite(backend, { port: demoPort, logLevel: values.quiet ? 'warn' : 'info' });
  vite = demo.server;
  demoUrl = demo.url;
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE' || /already in use/i.test(e.message)) console.error(`port ${demoPort} is already in use: pass --demo-port (or DEMO_PORT) to choose another`);
  else console.error(`could not start the demo server: ${e.message}`);
  await shutdown(1);
}
// The legacy page needs the script-tag bundle: build it now (in the background) if it is stale.
ensureScriptBundle((line) => console.log(line)).catch((err: Error) => console.error(`could not build the script-tag bundle for the legacy page: ${err.message}`));

console.log('');
console.log('rt-monitor demo');
console.log(`Demo:             ${demoUrl}`);
console.log(`Legacy page:      ${demoUrl}legacy.html`);
console.log(`API URL:          ${backend.url}`);
console.log(`anon key:         ${backend.anonKey}`);
console.log(`service_role key: ${backend.serviceRoleKey}   (stays on the server; the page never gets it)`);
for (const u of backend.users) console.log(`demo user:        ${u.email} / ${u.password}`);
console.log(`simulator:        ${backend.simulator.started ? 'on (pause it from the page)' : 'off (--no-simulator; start it from the page)'}`);
console.log('dev controls:     on (/__dev/* with the service_role key; /__demo/* from this machine)');
console.log('Press Ctrl-C to stop.');
console.log('ready');
