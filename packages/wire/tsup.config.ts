import { libraryConfig } from '../../tsup.library';

export default libraryConfig({ index: 'src/index.ts', layers: 'src/layers/index.ts', pcap: 'src/pcap/index.ts' });
