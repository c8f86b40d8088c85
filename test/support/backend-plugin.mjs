// web-test-runner plugin: starts one local backend (dev controls on, seeded) for the browser
// run and serves its connection facts at /__backend.json for tests (see test/helpers/backend.ts).
import { register } from 'tsx/esm/api';

export function backendPlugin() {
  let backend;
  return {
    name: 'rt-local-backend',
    async serverStart() {
      register();
      const { startLocalBackend } = await import('../../server/index.ts');
      // Also a user's own schema (other names, text keys): test/elements/own-schema.real.test.ts.
      backend = await startLocalBackend({ port: 0, devControls: true, seed: true, quiet: true, extraSql: ['supabase/examples/own_schema.sql'] });
    },
    async serverStop() {
      await backend?.stop();
    },
    // `executeServerCommand('rt-sql', { sql })` (test/helpers/backend.ts `runSql`): SQL as the
    // database owner, for what no API does: DDL, or writes with triggers off (a restored backup).
    async executeCommand({ command, payload }) {
      if (command !== 'rt-sql') return undefined;
      await backend.db.exec(payload.sql);
      return true;
    },
    serve(context) {
      if (context.path === '/__backend.json') {
        const { url, anonKey, serviceRoleKey, jwtSecret } = backend;
        return { body: JSON.stringify({ url, anonKey, serviceRoleKey, jwtSecret }), type: 'json' };
      }
    },
  };
}
