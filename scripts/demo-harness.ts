/**
 * The demo stack for scripts (screenshots, smoke checks). It lives with the end-to-end tests
 * (test/e2e/support/demo-stack.ts), which start the same stack; re-exported here for the scripts.
 */
export { root, startDemoStack, launchChromium, type DemoStack } from '../test/e2e/support/demo-stack.ts';
