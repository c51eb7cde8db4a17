/**
 * Every "docs/protocol/<doc>.md, section N" cited in the sources, tests and READMEs of
 * packages/ and apps/ names a doc that exists and a section it has (a "## N." heading; N.M
 * needs a "### N.M" heading), and every docs/protocol/<doc>.md mentioned exists. Whether the
 * section says what the comment relies on is for review; this catches numbers that point
 * nowhere after a doc is renumbered.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage']);
const SCANNED = /\.(ts|mts|cts|mjs|js|md)$/;
// The doc, then (across a comment's line break, if any) "section N" or "§ N".
const CITATION = /docs\/protocol\/([\w-]+\.md)\)?,?(?:\s|\*|\/\/)*(?:section|§)\s*(\d+(?:\.\d+)?)/g;
const MENTION = /docs\/protocol\/([\w-]+\.md)/g;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SCANNED.test(name) && !/CHANGELOG\.md$/.test(name)) yield path;
  }
}

interface Citation {
  where: string;
  doc: string;
  section: string;
}

function citations(): { cited: Citation[]; mentioned: Citation[] } {
  const cited: Citation[] = [];
  const mentioned: Citation[] = [];
  for (const root of ['packages', 'apps']) {
    for (const file of files(join(repo, root))) {
      const text = readFileSync(file, 'utf8');
      const at = (index: number) => `${relative(repo, file)}:${text.slice(0, index).split('\n').length}`;
      for (const m of text.matchAll(CITATION)) cited.push({ where: at(m.index!), doc: m[1]!, section: m[2]! });
      for (const m of text.matchAll(MENTION)) mentioned.push({ where: at(m.index!), doc: m[1]!, section: '' });
    }
  }
  return { cited, mentioned };
}

/** The section numbers a doc has: "## 4. Title" gives "4", "### 4.2 Title" gives "4.2". */
function sections(doc: string): Set<string> {
  const text = readFileSync(join(repo, 'docs/protocol', doc), 'utf8');
  return new Set([...text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!));
}

describe('docs/protocol citations in packages/ and apps/', () => {
  const { cited, mentioned } = citations();

  it('finds the citations (the pattern still matches how they are written)', () => {
    expect(cited.length).toBeGreaterThan(40);
  });

  it('every cited section exists in the doc it cites', () => {
    const byDoc = new Map<string, Set<string>>();
    const wrong = cited.filter(({ doc, section }) => {
      if (!existsSync(join(repo, 'docs/protocol', doc))) return true;
      if (!byDoc.has(doc)) byDoc.set(doc, sections(doc));
      return !byDoc.get(doc)!.has(section);
    });
    expect(wrong.map((c) => `${c.where}: ${c.doc}, section ${c.section}`)).toEqual([]);
  });

  it('every docs/protocol file mentioned exists', () => {
    const missing = mentioned.filter(({ doc }) => !existsSync(join(repo, 'docs/protocol', doc)));
    expect(missing.map((c) => `${c.where}: ${c.doc}`)).toEqual([]);
  });
});
