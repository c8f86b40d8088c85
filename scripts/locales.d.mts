import type { Plugin } from 'vite';
export const LOCALES_DIR: string;
export function placeholders(): Record<string, string[]>;
export function localeFiles(): string[];
export function positional(jsonText: string, file?: string): string;
export function localesPlugin(options?: { emit?: boolean }): Plugin;
export function localesTestPlugin(): unknown;
