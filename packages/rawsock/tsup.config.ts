import { libraryConfig } from '../../tsup.library';

export default libraryConfig(
  { index: 'src/index.ts' },
  // import.meta.url (used to load cap lazily) must also work in the CJS build.
  { shims: true, external: ['cap'] },
);
