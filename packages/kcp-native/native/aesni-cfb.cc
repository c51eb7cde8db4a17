#include "aesni-cfb.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace aesni_cfb {

bool Available() { return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse2"); }

namespace {
// SubWord(w): AESKEYGENASSIST's low dword is SubWord of its input's dword 1.
__attribute__((target("aes,sse2"))) uint32_t SubWord(uint32_t w) {
  const __m128i x = _mm_set_epi32(0, 0, static_cast<int>(w), 0);
  return static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(x, 0)));
}
}  // namespace

__attribute__((target("aes,sse2"))) int ExpandKey(const uint8_t* key, size_t key_bytes, uint8_t round_keys[kRoundKeyBytes]) {
  if (key_bytes != 16 && key_bytes != 24 && key_bytes != 32) return 0;
  const int nk = static_cast<int>(key_bytes / 4);
  const int rounds = nk + 6;
  const int words = 4 * (rounds + 1);  // at most 60
  uint32_t w[60];
  std::memcpy(w, key, key_bytes);  // words in memory order: byte 0 is the low byte
  uint32_t rcon = 1;
  for (int i = nk; i < words; i++) {
    uint32_t t = w[i - 1];
    if (i % nk == 0) {
      t = SubWord((t >> 8) | (t << 24)) ^ rcon;  // RotWord is a right rotation of the low-byte-first word
      rcon = ((rcon << 1) ^ ((rcon & 0x80) ? 0x1b : 0)) & 0xff;
    } else if (nk > 6 && i % nk == 4) {
      t = SubWord(t);
    }
    w[i] = w[i - nk] ^ t;
  }
  std::memcpy(round_keys, w, static_cast<size_t>(words) * 4);
  return rounds;
}

__attribute__((target("aes,sse2"))) void Encrypt(uint8_t* const* data, const size_t* lengths, int lanes,
                                                 const uint8_t* round_keys, int rounds, const uint8_t iv[16]) {
  if (lanes <= 0 || lanes > kMaxLanes || rounds < 10 || rounds > 14) return;
  __m128i rk[15];
  for (int r = 0; r <= rounds; r++) rk[r] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_keys + 16 * r));
  __m128i feedback[kMaxLanes];
  size_t blocks[kMaxLanes];
  size_t most = 0;
  const __m128i start = _mm_loadu_si128(reinterpret_cast<const __m128i*>(iv));
  for (int j = 0; j < lanes; j++) {
    feedback[j] = start;
    blocks[j] = (lengths[j] + 15) / 16;
    if (blocks[j] > most) most = blocks[j];
  }
  for (size_t b = 0; b < most; b++) {
    __m128i x[kMaxLanes];
    // Lanes already done are encrypted too (harmless, their result is dropped): no branches in the rounds.
    for (int j = 0; j < lanes; j++) x[j] = _mm_xor_si128(feedback[j], rk[0]);
    for (int r = 1; r < rounds; r++)
      for (int j = 0; j < lanes; j++) x[j] = _mm_aesenc_si128(x[j], rk[r]);
    for (int j = 0; j < lanes; j++) x[j] = _mm_aesenclast_si128(x[j], rk[rounds]);
    for (int j = 0; j < lanes; j++) {
      if (b >= blocks[j]) continue;
      uint8_t* p = data[j] + 16 * b;
      const size_t left = lengths[j] - 16 * b;  // > 0 since b < blocks[j]
      if (left >= 16) {
        const __m128i c = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), x[j]);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), c);
        feedback[j] = c;
      } else {
        uint8_t keystream[16];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(keystream), x[j]);
        for (size_t i = 0; i < left; i++) p[i] ^= keystream[i];
      }
    }
  }
}

}  // namespace aesni_cfb

#else

namespace aesni_cfb {
bool Available() { return false; }
int ExpandKey(const uint8_t*, size_t, uint8_t*) { return 0; }
void Encrypt(uint8_t* const*, const size_t*, int, const uint8_t*, int, const uint8_t*) {}
}  // namespace aesni_cfb

#endif
