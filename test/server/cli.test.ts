/** `npm run backend` / `server/cli.ts`: help and a mistyped option answer with usage, not a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

test('--help prints the usage and exits 0', () => {
  const r = cli('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: npm run backend/);
  assert.match(r.stdout, /--dev-controls/);
});

test('an unknown option names it, prints the usage and exits 2 (no stack trace)', () => {
  const r = cli('--bogus');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown option '--bogus'/);
  assert.match(r.stderr, /Usage: npm run backend/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test('npm start (server/dev.ts): --help prints its usage and exits 0; an unknown option names it and exits 2 (QA36: a stack trace)', () => {
  const start = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/dev.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  const help = start('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: npm start/);
  assert.match(help.stdout, /--sql FILE/);
  const bad = start('--bogus');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
});

test('--sql FILE applies a schema of your own to a bare project (the embedded database has no psql)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-cli-'));
  const file = join(dir, 'mine.sql');
  writeFileSync(file, `create table if not exists public.my_things (id bigint generated always as identity primary key, name text);
    insert into public.my_things (name) values ('from --sql');
    grant select on public.my_things to anon;`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--no-migrations', '--sql', file, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\nready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const url = /API URL: (\S+)/.exec(out)![1]!;
    const anon = /anon key: (\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/rest/v1/my_things?select=name`, { headers: { apikey: anon } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), [{ name: 'from --sql' }]);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a --sql file that fails is named, with the line of the statement (QA86 L3: only "syntax error at or near …")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-cli-'));
  const good = join(dir, 'good.sql');
  const bad = join(dir, 'bad.sql');
  writeFileSync(good, 'create table if not exists public.fine_things (id int primary key);\n');
  writeFileSync(bad, 'create table if not exists public.ok_things (id int primary key);\n\ncreate tabel public.oops (id int);\n');
  try {
    const r = cli('--port', '0', '--no-migrations', '--sql', good, '--sql', bad, '--quiet');
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`could not start the local backend: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, line 3: syntax error at or near "tabel"`));
    assert.doesNotMatch(r.stderr, /good\.sql/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
