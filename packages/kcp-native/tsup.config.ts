import { libraryConfig } from '../../tsup.library';

// import.meta.url (used to find the addon) must also work in the CJS build.
export default libraryConfig({ index: 'src/index.ts' }, { shims: true });
