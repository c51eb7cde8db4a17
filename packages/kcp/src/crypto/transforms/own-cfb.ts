import { CfbTransform } from '../cfb.js';
import { Blowfish } from '../primitives/blowfish.js';
import { Cast5 } from '../primitives/cast5.js';
import { Tea } from '../primitives/tea.js';
import { Twofish } from '../primitives/twofish.js';
import { Xtea } from '../primitives/xtea.js';

/** CFB transforms for the ciphers Node lacks without the OpenSSL legacy provider. */
export const ownCfb = {
  blowfish: (key: Uint8Array) => new CfbTransform(new Blowfish(key)),
  cast5: (key: Uint8Array) => new CfbTransform(new Cast5(key)),
  tea: (key: Uint8Array) => new CfbTransform(new Tea(key, 16)),
  xtea: (key: Uint8Array) => new CfbTransform(new Xtea(key)),
  twofish: (key: Uint8Array) => new CfbTransform(new Twofish(key)),
} as const;
