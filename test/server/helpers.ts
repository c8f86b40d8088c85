/**
 * Starts a local backend for one node test file, on the engine the run asks for:
 * RT_TEST_DB=pglite (default) or RT_TEST_DB=postgres with RT_TEST_DATABASE_URL pointing at a
 * throwaway cluster (test/run-all.mjs starts one); each call then gets a fresh database.
 */
import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../server/index.ts';

export const ENGINE = process.env.RT_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export async function startTestBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (ENGINE === 'postgres') {
    const admin = process.env.RT_TEST_DATABASE_URL;
    if (!admin) throw new Error('RT_TEST_DB=postgres needs RT_TEST_DATABASE_URL');
    const name = `rt_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`drop database if exists ${name} with (force)`);
      await c2.end();
    };
  }
  const backend = await startLocalBackend({ port: 0, devControls: true, quiet: true, ...options, databaseUrl });
  const stop = backend.stop;
  backend.stop = async () => {
    await stop();
    await dropDb?.();
  };
  return backend;
}

/** The real supabase-js client against the backend (Node needs `ws` as transport). */
export function client(backend: LocalBackend, key: string = backend.anonKey, opts: { vsn?: string } = {}): SupabaseClient {
  return createClient(backend.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never, ...(opts.vsn ? { vsn: opts.vsn } : {}) } as never,
  });
}

/** A supabase-js client signed in as one of the demo users. */
export async function signedIn(backend: LocalBackend, email: string, opts: { vsn?: string } = {}): Promise<SupabaseClient> {
  const c = client(backend, backend.anonKey, opts);
  const { error } = await c.auth.signInWithPassword({ email, password: 'rt-monitor-demo' });
  if (error) throw error;
  return c;
}

export const ALICE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
export const CAROL = '33333333-3333-4333-8333-333333333333';

export function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, label = 'condition'): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      let v: T | undefined | null | false;
      try {
        v = fn();
      } catch (e) {
        return reject(e);
      }
      if (v) return resolve(v as T);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${label}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
