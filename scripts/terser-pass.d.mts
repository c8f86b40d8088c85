import type { Plugin } from 'vite';
export function privateNames(srcDir: string, code: string, dependencyText: string): string[];
export function terserPassPlugin(options?: { srcDir?: string }): Plugin;
