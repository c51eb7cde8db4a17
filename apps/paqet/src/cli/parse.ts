/**
 * Flag parsing with cobra's observable rules (apps/paqet/README.md): `-c X`,
 * `-c=X`, `-cX`, `--config X`, `--config=X`, boolean flags, `-h/--help`
 * everywhere, extra positional arguments accepted and ignored.
 */
import type { FlagSpec } from './command.js';

export type ParsedFlags =
  | { readonly ok: true; readonly help: boolean; readonly flags: Record<string, string | undefined>; readonly positionals: string[] }
  | { readonly ok: false; readonly error: string };

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const flags: Record<string, string | undefined> = {};
  for (const s of specs) flags[s.name] = s.default;
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    let label: string;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = specs.find((s) => s.name === name);
      label = `--${name}`;
      if (!spec) return { ok: false, error: `unknown flag: --${name}` };
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1]!;
      spec = specs.find((s) => s.short === letter);
      label = `'${letter}' in ${arg}`;
      if (!spec) return { ok: false, error: `unknown shorthand flag: '${letter}' in ${arg}` };
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.kind === 'boolean') {
      if (inline !== undefined && !['true', 'false', '1', '0'].includes(inline)) {
        return { ok: false, error: `invalid argument "${inline}" for "${label}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax` };
      }
      flags[spec.name] = inline === undefined || inline === 'true' || inline === '1' ? 'true' : undefined;
      continue;
    }
    if (inline !== undefined) {
      flags[spec.name] = inline;
    } else if (i + 1 < argv.length) {
      flags[spec.name] = argv[++i];
    } else {
      return { ok: false, error: `flag needs an argument: ${label}` };
    }
  }
  return { ok: true, help, flags, positionals };
}
