export { loadConfig, loadConfigText, type LoadOptions, type LoadedConfig } from './load.js';
export { ConfigError, formatIssue, listed, MAX_PRINTED_WARNINGS, type ConfigIssue, type IssueSeverity } from './issues.js';
export { MAX_CONFIG_BYTES } from './read.js';
export type * from './types.js';
export type { ResolvedEndpoint, HostResolver } from './address.js';
export type { InterfaceFinder, FoundInterface } from './interfaces.js';
export type { TcpFlagSpec } from './flags.js';
export { BLOCK_NAMES, KCP_MODES, KCP_PRESETS, LOG_LEVELS, ROLE_DEFAULTS } from './constants.js';
