import { libraryConfig } from '../../tsup.library';

export default libraryConfig({ index: 'src/index.ts', socks5: 'src/socks5/index.ts', udp: 'src/udp/index.ts' });
