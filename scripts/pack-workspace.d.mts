/** Types of scripts/pack-workspace.mjs (a plain script, also imported by @paqet/testkit). */
export declare function packWorkspace(destination: string, names?: readonly string[]): { name: string; version: string; tarball: string }[];
