{
  'targets': [
    {
      'target_name': 'afpacket',
      'sources': ['afpacket.cc'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS'],
      'cflags_cc': ['-std=c++17', '-Wall', '-Wextra', '-O2'],
      'conditions': [
        ['OS!="linux"', { 'type': 'none', 'sources': [] }],
        ['OS=="linux"', { 'link_settings': { 'libraries': ['-lpcap'] } }],
      ],
    },
  ],
}
