// web-test-runner plugin: React 19 ships CommonJS only, so browser tests import it from
// /__bundles/react.js, one ESM bundle of react + react-dom/client made by esbuild on first request.
import { build } from 'esbuild';

export function reactBundlePlugin() {
  let bundle;
  return {
    name: 'rt-react-bundle',
    async serve(context) {
      if (context.path !== '/__bundles/react.js') return undefined;
      bundle ??= build({
        stdin: {
          contents: "export * as React from 'react'; export { createRoot } from 'react-dom/client'; export { flushSync } from 'react-dom';",
          resolveDir: process.cwd(),
          loader: 'js',
        },
        bundle: true,
        format: 'esm',
        write: false,
        define: { 'process.env.NODE_ENV': '"development"' },
        logLevel: 'silent',
      }).then((r) => r.outputFiles[0].text);
      return { body: await bundle, type: 'js' };
    },
  };
}
