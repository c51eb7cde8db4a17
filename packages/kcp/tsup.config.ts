import { libraryConfig } from '../../tsup.library';

export default libraryConfig({
  index: 'src/index.ts',
  core: 'src/core/index.ts',
  crypto: 'src/crypto/index.ts',
  fec: 'src/fec/index.ts',
  smux: 'src/smux/index.ts',
  udp: 'src/udp/index.ts',
});
