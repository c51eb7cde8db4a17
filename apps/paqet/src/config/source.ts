/**
 * The YAML side of loading: parse with source positions kept, map a key path
 * back to a line and column, and find keys the schema does not know.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';

export type KeyPath = readonly (string | number)[];

export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

export interface YamlSyntaxProblem extends SourcePos {
  readonly message: string;
}

export class ConfigSource {
  readonly file: string;
  readonly value: unknown;
  readonly syntaxProblems: readonly YamlSyntaxProblem[];
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.lines = new LineCounter();
    // uniqueKeys: goccy/go-yaml also rejects a key defined twice in one mapping.
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    this.syntaxProblems = this.doc.errors.map((e) => ({ ...this.posOf(e.pos[0]), message: firstLine(e.message) }));
    this.value = this.syntaxProblems.length > 0 ? undefined : this.doc.toJS({ maxAliasCount: 100 });
  }

  private posOf(offset: number): SourcePos {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
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
        const pair = (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(step));
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

  /** Paths of mapping keys that `known` does not describe (reference program ignores them). */
  unknownKeys(known: KnownKeys): KeyPath[] {
    const out: KeyPath[] = [];
    walkUnknown(this.doc.contents, known, [], out);
    return out;
  }
}

/** A tree of accepted keys: `true` for a leaf, a nested tree for a mapping, `[tree]` for a list of mappings. */
export type KnownKeys = { readonly [key: string]: KnownKeys | readonly [KnownKeys] | true };

function walkUnknown(node: unknown, known: KnownKeys, path: (string | number)[], out: KeyPath[]): void {
  if (!isMap(node)) return;
  for (const pair of node.items as Pair[]) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const spec = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
    if (spec === undefined) {
      out.push([...path, key]);
    } else if (Array.isArray(spec)) {
      const value = pair.value;
      if (isSeq(value)) value.items.forEach((item, i) => walkUnknown(item, spec[0] as KnownKeys, [...path, key, i], out));
    } else if (spec !== true) {
      walkUnknown(pair.value, spec as KnownKeys, [...path, key], out);
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** `transport.kcp.mtu`, `socks5[0].listen`. */
export function formatPath(path: KeyPath): string {
  let s = '';
  for (const step of path) s += typeof step === 'number' ? `[${step}]` : s ? `.${step}` : step;
  return s;
}
