{
  'targets': [
    {
      'target_name': 'kcp_native',
      'sources': ['cfb-envelope.cc', 'aesni-cfb.cc', 'crc32-clmul.cc'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS'],
      'cflags_cc': ['-std=c++17', '-Wall', '-Wextra', '-O2'],
    },
  ],
}
