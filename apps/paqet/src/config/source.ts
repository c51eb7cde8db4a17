/**
 * The YAML side of loading: parse with source positions kept, map a key path
 * back to a line and column, and find keys the schema does not know. Every step
 * is linear in the size of the file (a mapping's keys are indexed once), so a
 * file with many keys costs no more per key than a small one.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { shown } from './issues.js';

export type KeyPath = readonly (string | number)[];

export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

export interface YamlSyntaxProblem extends SourcePos {
  readonly message: string;
}

export interface UnknownKey {
  readonly path: KeyPath;
  /** Where the key itself is. */
  readonly at: SourcePos;
}

export class ConfigSource {
  readonly file: string;
  readonly value: unknown;
  /** In file order; the first is the one worth reporting (later ones mostly follow from it). */
  readonly syntaxProblems: readonly YamlSyntaxProblem[];
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  private readonly text: string;
  /** Key text → pair, built the first time a mapping is searched. */
  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lines = new LineCounter();
    // The library's own uniqueKeys check compares each key with every earlier one
    // (quadratic); duplicates are found here instead, while indexing.
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false, prettyErrors: false });
    const problems: YamlSyntaxProblem[] = this.doc.errors.map((e) => ({ ...this.posOf(e.pos[0]), message: shown(firstLine(e.message), 120) }));
    if (problems.length === 0) problems.push(...this.duplicateKeys());
    let value: unknown;
    if (problems.length === 0) {
      try {
        value = this.doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        // An alias to a missing anchor, or too many aliases: point at the first alias.
        problems.push({ ...this.firstAliasPos(), message: shown(firstLine((err as Error).message), 120) });
      }
    }
    this.syntaxProblems = problems.sort((a, b) => a.line - b.line || a.col - b.col);
    this.value = problems.length > 0 ? undefined : value;
  }

  /** The source line `line` (1-based), cut to about 80 characters around `col` and escaped. */
  contextLine(line: number, col: number): string {
    const start = this.lines.lineStarts[line - 1] ?? 0;
    const end = this.text.indexOf('\n', start);
    const full = this.text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
    const from = Math.max(0, col - 40);
    const cut = full.slice(from, from + 80);
    return escapeLine(`${from > 0 ? '…' : ''}${cut}${from + 80 < full.length ? '…' : ''}`);
  }

  private posOf(offset: number): SourcePos {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let index = this.keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items as Pair[]) {
        if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
      }
      this.keyIndex.set(map, index);
    }
    return index;
  }

  /** goccy/go-yaml refuses a key defined twice in one mapping; so do we (one pass, a set per mapping). */
  private duplicateKeys(): YamlSyntaxProblem[] {
    const out: YamlSyntaxProblem[] = [];
    visit(this.doc, {
      Map: (_, map) => {
        const first = this.pairsOf(map);
        for (const pair of map.items as Pair[]) {
          if (!isScalar(pair.key)) continue;
          const earlier = first.get(String(pair.key.value));
          if (earlier && earlier !== pair) {
            const was = this.posOf((earlier.key as Node).range?.[0] ?? 0);
            out.push({ ...this.posOf(pair.key.range?.[0] ?? 0), message: `mapping key "${shown(String(pair.key.value))}" already defined at line ${was.line}` });
          }
        }
      },
    });
    return out;
  }

  private firstAliasPos(): SourcePos {
    let offset = 0;
    visit(this.doc, {
      Alias: (_, node) => {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    return this.posOf(offset);
  }

  /**
   * Where `path` is: its value if present; otherwise the key of the deepest
   * existing ancestor (a missing `transport.kcp.key` points at `kcp:`).
   */
  locate(path: KeyPath, atKey = false): SourcePos {
    let node: unknown = this.doc.contents;
    let anchor = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = this.pairsOf(node).get(String(step));
        if (!pair) return this.posOf(anchor);
        const keyStart = (pair.key as Node).range?.[0] ?? anchor;
        const value = pair.value as Node | null;
        const valueStart = value?.range?.[0];
        if (last) return this.posOf(atKey ? keyStart : valueStart ?? keyStart);
        node = value;
        anchor = keyStart;
      } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
        const item = node.items[step] as Node;
        node = item;
        anchor = item.range?.[0] ?? anchor;
        if (last) return this.posOf(anchor);
      } else {
        return this.posOf(anchor);
      }
    }
    return this.posOf(anchor);
  }

  /** Mapping keys that `known` does not describe (the reference program ignores them), with their positions. */
  unknownKeys(known: KnownKeys): UnknownKey[] {
    const out: UnknownKey[] = [];
    const walk = (node: unknown, spec: KnownKeys, path: (string | number)[]): void => {
      if (!isMap(node)) return;
      for (const pair of node.items as Pair[]) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const child = Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined;
        if (child === undefined) {
          out.push({ path: [...path, key], at: this.posOf(pair.key.range?.[0] ?? 0) });
        } else if (Array.isArray(child)) {
          const value = pair.value;
          if (isSeq(value)) value.items.forEach((item, i) => walk(item, child[0] as KnownKeys, [...path, key, i]));
        } else if (child !== true) {
          walk(pair.value, child as KnownKeys, [...path, key]);
        }
      }
    };
    walk(this.doc.contents, known, []);
    return out;
  }
}

/** A tree of accepted keys: `true` for a leaf, a nested tree for a mapping, `[tree]` for a list of mappings. */
export type KnownKeys = { readonly [key: string]: KnownKeys | readonly [KnownKeys] | true };

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** Like shown(), without the length cut (contextLine cuts itself). */
function escapeLine(text: string): string {
  return shown(text, Number.POSITIVE_INFINITY);
}

/** `transport.kcp.mtu`, `socks5[0].listen`; key names from the file are quoted as shown() does. */
export function formatPath(path: KeyPath): string {
  let s = '';
  for (const step of path) s += typeof step === 'number' ? `[${step}]` : s ? `.${shown(step)}` : shown(step);
  return s;
}
