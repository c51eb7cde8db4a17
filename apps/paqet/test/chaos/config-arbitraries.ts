/**
 * fast-check generators for configuration files: trees shaped by the schema's own key tree
 * (KNOWN_KEYS, so new keys are fuzzed without edits here) with plausible and hostile
 * values, the shipped examples with random edits, and text-level damage to either.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { KNOWN_KEYS } from '../../src/config/schema.js';
import type { KnownKeys } from '../../src/config/source.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** Values that mean something to some key, and values that mean trouble to any. */
const TOKENS = [
  'client', 'server', 'info', 'debug', 'kcp', 'quic', 'fast', 'fast3', 'manual', 'aes', 'aes-128-gcm', 'null', 'none', 'xor', 'tcp', 'udp',
  'pqc0', 'pqs0', 'eth0', 'lo', 'localhost', '127.0.0.1:1080', '10.200.1.2:9999', ':9999', '[::1]:1080', '[fd00::1]:0', '0.0.0.0:0',
  '127.0.0.1:99999', '127.0.0.1:-1', 'host:port', '[::1', '::1:80', '02:50:51:00:01:02', 'zz:50:51:00:01:02', '02-50-51-00-01-02',
  'PA', 'SA', 'FSRPAUECN', 'x', '', ' ', '0', '-1', '1e9', '0x10', '9'.repeat(30), 'NaN', '.inf', '~', 'yes', 'no', 'on',
  'a'.repeat(300), 'line\nbreak', 'tab\there', '\u0000', '\u001b[31mred', 'é✓', '%s%v%d', '${HOME}', '{{x}}', '[', ']', '{', '}', '*a', '&a', '!!binary',
];

const scalar = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: -2, max: 70_000 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);

/** A value of the wrong shape: what a user gets by mis-indenting. */
const wrongShape = fc.oneof(fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'addr', 'key', 'x'), scalar, { maxKeys: 2 }));

function valueFor(spec: KnownKeys | readonly [KnownKeys] | true, depth: number): fc.Arbitrary<unknown> {
  if (spec === true) return fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: wrongShape });
  if (Array.isArray(spec)) return fc.oneof({ weight: 5, arbitrary: fc.array(treeOf(spec[0] as KnownKeys, depth + 1), { maxLength: 3 }) }, { weight: 1, arbitrary: scalar });
  return fc.oneof({ weight: 5, arbitrary: treeOf(spec as KnownKeys, depth + 1) }, { weight: 1, arbitrary: scalar }, { weight: 1, arbitrary: wrongShape });
}

/** A mapping with a random subset of the schema's keys at this level, plus now and then an unknown one. */
export function treeOf(known: KnownKeys, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, spec] of Object.entries(known)) entries[key] = depth > 4 ? scalar : valueFor(spec, depth);
  return fc
    .tuple(fc.record(entries, { requiredKeys: [] }), fc.option(fc.tuple(fc.constantFrom('unknown_key', 'Role', 'transport ', '<<', '0'), scalar), { freq: 5 }))
    .map(([tree, extra]) => (extra ? { ...tree, [extra[0]]: extra[1] } : tree));
}

/** A whole file from the schema alone (mostly invalid, sometimes valid). */
export const schemaConfig = treeOf(KNOWN_KEYS);

/** Every key path of a tree, lists included ("socks5.0.listen"). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

type Edit = { kind: 'set' | 'delete'; at: number; value: unknown };

function applyEdit(tree: Record<string, unknown>, edit: Edit): void {
  const all = paths(tree).filter((p) => p.length > 0);
  if (all.length === 0) return;
  const path = all[edit.at % all.length]!;
  let parent = tree as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (edit.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = edit.value;
}

const exampleTrees = ['client', 'server'].map((role) => parse(readFileSync(`${EXAMPLES}${role}.yaml`, 'utf8')) as Record<string, unknown>);

/** examples/client.yaml or server.yaml with 0-4 keys set to random values or deleted. */
export const editedExample = fc
  .tuple(
    fc.constantFrom(0, 1),
    fc.array(fc.record({ kind: fc.constantFrom('set', 'delete'), at: fc.nat(), value: fc.oneof(scalar, wrongShape) }) as fc.Arbitrary<Edit>, { maxLength: 4 }),
  )
  .map(([which, edits]) => {
    const tree = structuredClone(exampleTrees[which]!);
    for (const e of edits) applyEdit(tree, e);
    return tree;
  });

type TextEdit = { kind: 'drop-line' | 'dup-line' | 'indent' | 'dedent' | 'insert' | 'truncate'; at: number; text: string };

function applyTextEdit(text: string, e: TextEdit): string {
  const lines = text.split('\n');
  const i = e.at % Math.max(1, lines.length);
  switch (e.kind) {
    case 'drop-line':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'dup-line':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'indent':
      lines[i] = `  ${lines[i] ?? ''}`;
      return lines.join('\n');
    case 'dedent':
      lines[i] = (lines[i] ?? '').trimStart();
      return lines.join('\n');
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
  }
}

const textEdit = fc.record({
  kind: fc.constantFrom('drop-line', 'dup-line', 'indent', 'dedent', 'insert', 'truncate'),
  at: fc.nat(),
  text: fc.oneof(fc.constantFrom(':', '- ', '\t', '#', '"', "'", '&a ', '*a', '<<: *a', '{', '[', '\n', '---\n', '...', '? '), fc.string({ maxLength: 8 })),
}) as fc.Arbitrary<TextEdit>;

/** YAML text of a schema tree or an edited example, with 0-3 text-level edits (anchors and aliases among them). */
export const configText = fc
  .tuple(fc.oneof(schemaConfig, editedExample), fc.array(textEdit, { maxLength: 3 }))
  .map(([tree, edits]) => edits.reduce(applyTextEdit, stringify(tree)));

/** An edited example with an alias to an anchor that is never defined (`key: *nowhere`). */
export const undefinedAliasText = fc
  .tuple(editedExample, fc.nat(), fc.constantFrom('*nowhere', '<<: *nowhere', '[*nowhere]'))
  .map(([tree, at, alias]) => {
    const lines = stringify(tree).split('\n');
    const i = at % lines.length;
    const m = /^(\s*(?:- )?[\w]+:)\s*\S.*$/.exec(lines[i]!);
    lines[i] = m ? `${m[1]} ${alias}` : `${lines[i]}\nextra: ${alias}`;
    return lines.join('\n');
  });
