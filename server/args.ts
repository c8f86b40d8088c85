/**
 * The command line of `npm start` and `npm run backend`: parsed with Node's `parseArgs`; `--help`
 * prints the usage and exits 0, an unknown or malformed option is named with the usage, exit 2
 * (never a stack trace).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function commandLine<const O extends Options>(usage: string, options: O): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } } }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
}
