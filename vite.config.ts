/**
 * Three uses of one config:
 *   vite                     → serves the demo (demo/) — `npm start` also starts the backend
 *   vite build               → dist/: unbundled ESM for bundlers (lit, @lit/*, @supabase/* external), one entry per element
 *   vite build --mode iife   → dist/rt-monitor.js: the self-registering script-tag bundle (global RtMonitor)
 */
import { defineConfig } from 'vite';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = import.meta.dirname;

function elementEntries(): Record<string, string> {
  const dir = resolve(root, 'src/elements');
  const entries: Record<string, string> = {};
  if (!existsSync(dir)) return entries;
  for (const name of readdirSync(dir)) {
    const file = resolve(dir, name, `${name}.ts`);
    if (existsSync(file)) entries[`elements/${name}`] = file;
  }
  return entries;
}

const external = (id: string) => /^(lit|@lit\/|@lit-labs\/|@supabase\/)/.test(id);

export default defineConfig(({ command, mode }) => {
  if (command === 'serve') {
    return {
      root: resolve(root, 'demo'),
      server: { host: '127.0.0.1', port: Number(process.env.DEMO_PORT ?? 5173), strictPort: true, fs: { allow: [root] } },
      preview: { host: '127.0.0.1' },
      esbuild: { target: 'es2021' },
    };
  }
  if (mode === 'iife') {
    return {
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2021',
        minify: true,
        sourcemap: true,
        lib: { entry: resolve(root, 'src/cdn.ts'), formats: ['iife'], name: 'RtMonitor', fileName: () => 'rt-monitor.js' },
      },
    };
  }
  return {
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2021',
      minify: false,
      sourcemap: true,
      lib: { entry: { index: resolve(root, 'src/index.ts'), ...elementEntries() }, formats: ['es'] },
      rolldownOptions: { external, output: { preserveModules: false } },
    },
  };
});
