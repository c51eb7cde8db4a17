/**
 * Loading: read → YAML decode (positions kept) → structural check (valibot) →
 * role → defaults + validation → derived values. All problems of a stage are
 * reported together, each with file, line, column and key path.
 */
import * as v from 'valibot';
import { systemResolver, type HostResolver } from './address.js';
import { systemInterfaceFinder, type InterfaceFinder } from './interfaces.js';
import { discoverNetwork, systemRouteFinder, type RouteFinder } from './discover.js';
import { ConfigError, formatIssue, UNKNOWN_KEY, type ConfigIssue } from './issues.js';
import { MAX_CONFIG_BYTES, readConfigFile, tooLargeError } from './read.js';
import { configFileSchema, KNOWN_KEYS } from './schema.js';
import { ConfigSource, formatPath, type KeyPath, type YamlSyntaxProblem } from './source.js';
import type { ResolvedConfig, Role } from './types.js';
import type { RawIssue } from './collector.js';
import { validateConfig } from './validate.js';

export interface LoadOptions {
  /** DNS for host names in addresses (default: the system resolver). */
  readonly resolveHost?: HostResolver;
  /** Checks `network.interface` exists (default: the OS interface list). */
  readonly findInterface?: InterfaceFinder;
  /** Decides whether `network.guid` is required (default: process.platform). */
  readonly platform?: NodeJS.Platform;
  /** Default routes for a `network:` section left (partly) out (default: the host's; null: never discover). */
  readonly findRoute?: RouteFinder | null;
}

export interface LoadedConfig {
  readonly config: ResolvedConfig;
  /** Not fatal; the reference program logs these at WARN while loading. Unknown keys are reported here too. */
  readonly warnings: readonly ConfigIssue[];
  /** Network values discovered because the file left them out, one line each. */
  readonly discovered: readonly string[];
}

/**
 * Loads and validates `path`; throws ConfigError (all problems at once; a file over
 * 1 MiB is refused unread) or the read error as-is.
 */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  return loadConfigText(await readConfigFile(path), path, options);
}

export async function loadConfigText(text: string, file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  if (text.length > MAX_CONFIG_BYTES || Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw tooLargeError(file, Buffer.byteLength(text));
  const source = new ConfigSource(file, text);
  const issue = (raw: RawIssue, atKey = false): ConfigIssue => ({
    severity: raw.severity, file, ...source.locate(raw.path, atKey), path: formatPath(raw.path), message: raw.message, goMessage: raw.goMessage,
  });

  const [firstSyntax] = source.syntaxProblems;
  if (firstSyntax) throw yamlError(source, firstSyntax, source.syntaxProblems.length);

  const warnings: ConfigIssue[] = source.unknownKeys(KNOWN_KEYS).map(({ path, at }) => ({
    severity: 'warning', file, ...at, path: formatPath(path), message: UNKNOWN_KEY, goMessage: '',
  }));

  const decoded = v.safeParse(configFileSchema, source.value ?? {}, { abortEarly: false });
  if (!decoded.success) {
    const issues = decoded.issues.map((i) => {
      const path: KeyPath = (i.path ?? []).map((p) => p.key as string | number);
      return issue({ severity: 'error', path, message: i.message, goMessage: i.message });
    });
    throw ConfigError.fromIssues(byPosition(dedupe(issues)), warnings, 'invalid configuration:');
  }

  const role = decoded.output.role ?? '';
  if (role !== 'client' && role !== 'server') {
    const msg = "role must be 'client' or 'server'";
    throw ConfigError.fromIssues([issue({ severity: 'error', path: ['role'], message: msg, goMessage: msg })], warnings, 'invalid configuration:');
  }

  const findRoute = options.findRoute === undefined ? systemRouteFinder : options.findRoute;
  const discovery = findRoute ? await discoverNetwork(decoded.output, role, findRoute) : { raw: decoded.output, notes: [], failure: null };
  const result = await validateConfig(file, role as Role, discovery.raw, {
    resolveHost: options.resolveHost ?? systemResolver,
    findInterface: options.findInterface ?? systemInterfaceFinder,
    platform: options.platform ?? process.platform,
  });
  const all = result.issues.map((i) => issue(i));
  const errors = all.filter((i) => i.severity === 'error');
  warnings.push(...all.filter((i) => i.severity === 'warning'));
  if (discovery.failure && errors.some((e) => e.path.startsWith('network'))) {
    warnings.push({ severity: 'warning', file, line: 1, col: 1, path: 'network', message: `network discovery failed: ${discovery.failure}`, goMessage: '' });
  }
  if (errors.length > 0 || !result.config) throw ConfigError.fromIssues(errors, warnings);
  return { config: result.config, warnings, discovered: discovery.notes };
}

/**
 * One line for a YAML syntax error (the first: later ones mostly follow from it), then
 * the offending source line: `invalid YAML: FILE:LINE:COL: reason`.
 */
function yamlError(source: ConfigSource, first: YamlSyntaxProblem, count: number): ConfigError {
  const more = count > 1 ? ` (first of ${count} YAML errors)` : '';
  const issue: ConfigIssue = {
    severity: 'error', file: source.file, line: first.line, col: first.col, path: '', message: first.message + more, goMessage: first.message,
  };
  const context = `\n  ${first.line} | ${source.contextLine(first.line, first.col)}`;
  return new ConfigError(`invalid YAML: ${formatIssue(issue)}${context}`, [issue]);
}

/** A union failure can surface once per branch; one line per location is enough. */
function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\0${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function byPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}
