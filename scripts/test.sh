#!/usr/bin/env bash
# All tests, package by package (one at a time: the lab tests share the kernel),
# then one total line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
find packages apps -name .test-results.json -not -path '*/node_modules/*' -delete 2>/dev/null
pnpm build || exit 1
# Strict types across sources, tests and benches are part of passing.
pnpm exec turbo run typecheck --concurrency=2 || exit 1
pnpm exec turbo run test --concurrency=1 --continue
rc=$?
node scripts/test-total.mjs || rc=1
exit $rc
