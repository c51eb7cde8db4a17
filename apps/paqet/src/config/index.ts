export { loadConfig, loadConfigText, type LoadOptions, type LoadedConfig } from './load.js';
export { ConfigError, formatIssue, type ConfigIssue, type IssueSeverity } from './issues.js';
export type * from './types.js';
export type { ResolvedEndpoint, HostResolver } from './address.js';
export type { InterfaceFinder, FoundInterface } from './interfaces.js';
export type { TcpFlagSpec } from './flags.js';
export { BLOCK_NAMES, KCP_MODES, LOG_LEVELS, ROLE_DEFAULTS } from './constants.js';
