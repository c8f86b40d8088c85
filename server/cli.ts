/**
 * `npm run backend [-- --port 54321 --data-dir .data --dev-controls --no-seed --no-migrations --sql FILE --simulator]`
 * (`--no-migrations`: a bare project, no schema from supabase/migrations/ and no seed: apply one yourself.)
 * Starts the local backend and prints its keys and demo users, like `supabase start`.
 * DATABASE_URL selects real PostgreSQL instead of PGlite.
 */
import { commandLine } from './args.ts';
import { startLocalBackend } from './index.ts';

const USAGE = `Usage: npm run backend [-- options]   (or: npx tsx server/cli.ts [options])

Starts the local backend (Realtime, PostgREST, Auth on one port) and prints its keys and demo users.

  --port N            port to listen on (default 54321; 0 picks a free one)
  --host H            address to bind (default 127.0.0.1)
  --data-dir DIR      keep the database in DIR (default: in memory)
  --dev-controls      enable /__dev/* fault controls (tests, the demo's fault panel)
  --no-seed           no demo users and rows
  --no-migrations     a bare project: no schema from supabase/migrations/, no seed
  --sql FILE          apply FILE after the migrations, at every start (repeatable; e.g. your
                      schema on the embedded database, which has no psql)
  --simulator         keep the demo data moving
  --quiet             print less
  -h, --help          this text

DATABASE_URL selects real PostgreSQL instead of the embedded PGlite.`;

const values = commandLine(USAGE, {
  port: { type: 'string', default: '54321' },
  host: { type: 'string', default: '127.0.0.1' },
  'data-dir': { type: 'string' },
  'dev-controls': { type: 'boolean', default: false },
  'no-seed': { type: 'boolean', default: false },
  'no-migrations': { type: 'boolean', default: false },
  sql: { type: 'string', multiple: true, default: [] },
  quiet: { type: 'boolean', default: false },
  // [demo] keep the data moving (server/simulator.ts); off unless asked for (`npm start` turns it on)
  simulator: { type: 'boolean', default: false },
  'no-simulator': { type: 'boolean', default: false },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535 (got "${values.port}")`);
  process.exit(2);
}

try {
  const backend = await startLocalBackend({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    devControls: values['dev-controls'],
    seed: !values['no-seed'],
    migrations: !values['no-migrations'],
    extraSql: values.sql,
    quiet: values.quiet,
    simulator: values.simulator && !values['no-simulator'], // [demo]
  });
  console.log(`API URL: ${backend.url}`);
  console.log(`anon key: ${backend.anonKey}`);
  console.log(`service_role key: ${backend.serviceRoleKey}`);
  console.log(`JWT secret: ${backend.jwtSecret}`);
  if (values['no-seed'] || values['no-migrations']) console.log(`demo users: none (${values['no-migrations'] ? '--no-migrations' : '--no-seed'})`);
  else for (const u of backend.users) console.log(`demo user: ${u.email} / ${u.password} (id ${u.id})`);
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : values['data-dir'] ? `PGlite in ${values['data-dir']}` : 'PGlite in memory'}`);
  if (values['dev-controls']) console.log('dev controls: on (POST /__dev/drop-connections, /__dev/pause-realtime?ms=N, /__dev/hold-realtime?ms=N, /__dev/lag-realtime?ms=N, /__dev/forget-channels, /__dev/expire-tokens, /__dev/rest-busy?ms=N, /__dev/token-ttl?seconds=N)');
  if (values['dev-controls']) console.log('demo controls: on for loopback requests (GET /__demo/config, /__demo/state; POST /__demo/…)'); // [demo]
  console.log(`simulator: ${backend.simulator.started ? 'on' : 'off'}`); // [demo]
  console.log('ready');
  const shutdown = async () => {
    await backend.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`port ${port} is already in use: pass --port to choose another`);
  else console.error(`could not start the local backend: ${e.message}`);
  process.exit(1);
}
