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

namespace {

constexpr int kNarrowLanes = 8;

// XORs one block of keystream into lane j's block b (a partial last block too) and keeps the
// ciphertext as the lane's next feedback.
__attribute__((target("aes,sse2"))) inline void ApplyKeystream(uint8_t* lane, size_t length, size_t b, __m128i keystream,
                                                              __m128i* feedback) {
  uint8_t* p = lane + 16 * b;
  const size_t left = length - 16 * b;  // > 0: b is below the lane's block count
  if (left >= 16) {
    const __m128i c = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), keystream);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), c);
    *feedback = c;
  } else {
    uint8_t bytes[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes), keystream);
    for (size_t i = 0; i < left; i++) p[i] ^= bytes[i];
  }
}

// Up to eight lanes, one 128-bit register each: eight independent rounds in flight cover
// the AES unit's latency.
__attribute__((target("aes,sse2"))) void EncryptNarrow(uint8_t* const* data, const size_t* lengths, int lanes,
                                                       const uint8_t* round_keys, int rounds, const uint8_t iv[16]) {
  __m128i rk[15];
  for (int r = 0; r <= rounds; r++) rk[r] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_keys + 16 * r));
  __m128i feedback[kNarrowLanes];
  size_t blocks[kNarrowLanes];
  size_t most = 0;
  const __m128i start = _mm_loadu_si128(reinterpret_cast<const __m128i*>(iv));
  for (int j = 0; j < lanes; j++) {
    feedback[j] = start;
    blocks[j] = (lengths[j] + 15) / 16;
    if (blocks[j] > most) most = blocks[j];
  }
  for (size_t b = 0; b < most; b++) {
    __m128i x[kNarrowLanes];
    // Lanes already done are encrypted too (harmless, their result is dropped): no branches in the rounds.
    for (int j = 0; j < lanes; j++) x[j] = _mm_xor_si128(feedback[j], rk[0]);
    for (int r = 1; r < rounds; r++)
      for (int j = 0; j < lanes; j++) x[j] = _mm_aesenc_si128(x[j], rk[r]);
    for (int j = 0; j < lanes; j++) x[j] = _mm_aesenclast_si128(x[j], rk[rounds]);
    for (int j = 0; j < lanes; j++)
      if (b < blocks[j]) ApplyKeystream(data[j], lengths[j], b, x[j], &feedback[j]);
  }
}

// Up to sixteen lanes, two per 256-bit register (VAES): each instruction advances two
// chains, so sixteen lanes cost about what eight do in 128-bit registers. Pair p holds
// lane 2p in its low half and lane 2p + 1 in its high half; a missing partner is
// encrypted and dropped.
__attribute__((target("aes,sse2,avx2,vaes"))) void EncryptWide(uint8_t* const* data, const size_t* lengths, int lanes,
                                                               const uint8_t* round_keys, int rounds, const uint8_t iv[16]) {
  const int pairs = (lanes + 1) / 2;
  __m256i rk[15];
  for (int r = 0; r <= rounds; r++)
    rk[r] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(round_keys + 16 * r)));
  __m128i feedback[kMaxLanes];
  size_t blocks[kMaxLanes];
  size_t most = 0;
  const __m128i start = _mm_loadu_si128(reinterpret_cast<const __m128i*>(iv));
  for (int j = 0; j < 2 * pairs; j++) {
    feedback[j] = start;
    blocks[j] = j < lanes ? (lengths[j] + 15) / 16 : 0;
    if (blocks[j] > most) most = blocks[j];
  }
  for (size_t b = 0; b < most; b++) {
    __m256i x[kMaxLanes / 2];
    for (int p = 0; p < pairs; p++) x[p] = _mm256_xor_si256(_mm256_set_m128i(feedback[2 * p + 1], feedback[2 * p]), rk[0]);
    for (int r = 1; r < rounds; r++)
      for (int p = 0; p < pairs; p++) x[p] = _mm256_aesenc_epi128(x[p], rk[r]);
    for (int p = 0; p < pairs; p++) x[p] = _mm256_aesenclast_epi128(x[p], rk[rounds]);
    for (int p = 0; p < pairs; p++) {
      const int low = 2 * p, high = 2 * p + 1;
      if (b < blocks[low]) ApplyKeystream(data[low], lengths[low], b, _mm256_castsi256_si128(x[p]), &feedback[low]);
      if (b < blocks[high]) ApplyKeystream(data[high], lengths[high], b, _mm256_extracti128_si256(x[p], 1), &feedback[high]);
    }
  }
}

}  // namespace

bool WideAvailable() { return Available() && __builtin_cpu_supports("vaes") && __builtin_cpu_supports("avx2"); }

void Encrypt(uint8_t* const* data, const size_t* lengths, int lanes, const uint8_t* round_keys, int rounds,
             const uint8_t iv[16], bool wide) {
  if (lanes <= 0 || lanes > kMaxLanes || rounds < 10 || rounds > 14) return;
  if (lanes > kNarrowLanes && wide) {
    EncryptWide(data, lengths, lanes, round_keys, rounds, iv);
    return;
  }
  for (int first = 0; first < lanes; first += kNarrowLanes) {
    const int n = lanes - first < kNarrowLanes ? lanes - first : kNarrowLanes;
    EncryptNarrow(data + first, lengths + first, n, round_keys, rounds, iv);
  }
}

}  // namespace aesni_cfb

#else

namespace aesni_cfb {
bool Available() { return false; }
bool WideAvailable() { return false; }
int ExpandKey(const uint8_t*, size_t, uint8_t*) { return 0; }
void Encrypt(uint8_t* const*, const size_t*, int, const uint8_t*, int, const uint8_t*, bool) {}
}  // namespace aesni_cfb

#endif
