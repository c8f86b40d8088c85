/**
 * The elements the integration tests drive: rt-monitor's sources (the default run), or the built
 * all-in script-tag file `dist/rt-monitor.js` when the test page loaded it first
 * (web-test-runner.dist.config.mjs: the same test file, run a second time against the build).
 */
import type { RtMonitorGlobal } from '../../src/cdn/install.js';

const page = window as unknown as { RtMonitor?: RtMonitorGlobal };

/** Where the elements come from in this run. */
export const elementsFrom: 'src' | 'dist' = page.RtMonitor ? 'dist' : 'src';

/** Defines the elements of this run (src: imports the npm entry) and gives their classes by export name. */
export async function loadElements(): Promise<Record<string, unknown>> {
  if (elementsFrom === 'src') return { ...(await import('../../src/index.js')) };
  await page.RtMonitor!.ready;
  return page.RtMonitor!;
}
