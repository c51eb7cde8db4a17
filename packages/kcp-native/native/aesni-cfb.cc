#include "aesni-cfb.h"

#include <cstdint>
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

// Both functions below run in two phases. While every lane still has a whole block b (the
// shortest lane's whole blocks: in a flush of full-size datagrams, all but the last), the
// blocks are XORed and stored with no test per lane. The rest, lanes of other lengths and
// partial last blocks, goes lane by lane with the bounds of ApplyKeystream. The lane count
// is a template argument so that the lanes' states stay in registers across the rounds
// (with a run-time count the compiler kept them on the stack: a load and a store around
// every AESENC, about five times slower).

// L lanes (1..8), one 128-bit register each: L independent rounds in flight cover the AES
// unit's latency.
template <int L>
__attribute__((target("aes,sse2"))) void EncryptNarrow(uint8_t* const* data, const size_t* lengths,
                                                       const uint8_t* round_keys, int rounds, const uint8_t iv[16]) {
  __m128i rk[15];
  for (int r = 0; r <= rounds; r++) rk[r] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_keys + 16 * r));
  size_t blocks[L];
  size_t most = 0, common = SIZE_MAX;
  for (int j = 0; j < L; j++) {
    blocks[j] = (lengths[j] + 15) / 16;
    if (blocks[j] > most) most = blocks[j];
    if (lengths[j] / 16 < common) common = lengths[j] / 16;
  }
  // x[j] = feedback XOR round key 0: the state each block's rounds start from.
  __m128i x[L];
  const __m128i start = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(iv)), rk[0]);
#pragma GCC unroll 8
  for (int j = 0; j < L; j++) x[j] = start;
  size_t b = 0;
  for (; b < common; b++) {  // 16 * (b + 1) <= every lane's length
    for (int r = 1; r < rounds; r++)
#pragma GCC unroll 8
      for (int j = 0; j < L; j++) x[j] = _mm_aesenc_si128(x[j], rk[r]);
#pragma GCC unroll 8
    for (int j = 0; j < L; j++) {
      __m128i* p = reinterpret_cast<__m128i*>(data[j] + 16 * b);
      const __m128i c = _mm_xor_si128(_mm_loadu_si128(p), _mm_aesenclast_si128(x[j], rk[rounds]));
      _mm_storeu_si128(p, c);
      x[j] = _mm_xor_si128(c, rk[0]);
    }
  }
  for (; b < most; b++) {
    for (int r = 1; r < rounds; r++)
#pragma GCC unroll 8
      for (int j = 0; j < L; j++) x[j] = _mm_aesenc_si128(x[j], rk[r]);
    // Lanes already done are encrypted too (harmless, their result is dropped).
#pragma GCC unroll 8
    for (int j = 0; j < L; j++) {
      __m128i feedback = _mm_setzero_si128();
      if (b < blocks[j]) ApplyKeystream(data[j], lengths[j], b, _mm_aesenclast_si128(x[j], rk[rounds]), &feedback);
      x[j] = _mm_xor_si128(feedback, rk[0]);
    }
  }
}

// P pairs of lanes (5..8), two per 256-bit register (VAES): each instruction advances two
// chains, so sixteen lanes cost about what eight do in 128-bit registers. Pair p holds lane
// 2p in its low half and lane 2p + 1 in its high half. With an odd lane count the last pair's
// high half repeats its low lane while every lane has whole blocks (both halves load the
// same bytes before either stores, so both store the same ciphertext), and is skipped after.
template <int P>
__attribute__((target("aes,sse2,avx2,vaes"))) void EncryptWide(uint8_t* const* data, const size_t* lengths, int lanes,
                                                               const uint8_t* round_keys, int rounds, const uint8_t iv[16]) {
  __m256i rk[15];
  for (int r = 0; r <= rounds; r++)
    rk[r] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(round_keys + 16 * r)));
  uint8_t* lane[2 * P];
  size_t length[2 * P], blocks[2 * P];
  size_t most = 0, common = SIZE_MAX;
  for (int j = 0; j < 2 * P; j++) {
    const int from = j < lanes ? j : lanes - 1;
    lane[j] = data[from];
    length[j] = lengths[from];
    blocks[j] = j < lanes ? (length[j] + 15) / 16 : 0;
    if (blocks[j] > most) most = blocks[j];
    if (length[j] / 16 < common) common = length[j] / 16;
  }
  __m256i x[P];
  const __m256i start = _mm256_xor_si256(_mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(iv))), rk[0]);
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) x[p] = start;
  size_t b = 0;
  for (; b < common; b++) {  // 16 * (b + 1) <= every lane's length
    for (int r = 1; r < rounds; r++)
#pragma GCC unroll 8
      for (int p = 0; p < P; p++) x[p] = _mm256_aesenc_epi128(x[p], rk[r]);
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      __m128i* low = reinterpret_cast<__m128i*>(lane[2 * p] + 16 * b);
      __m128i* high = reinterpret_cast<__m128i*>(lane[2 * p + 1] + 16 * b);
      const __m256i c = _mm256_xor_si256(_mm256_loadu2_m128i(high, low), _mm256_aesenclast_epi128(x[p], rk[rounds]));
      _mm256_storeu2_m128i(high, low, c);
      x[p] = _mm256_xor_si256(c, rk[0]);
    }
  }
  for (; b < most; b++) {
    for (int r = 1; r < rounds; r++)
#pragma GCC unroll 8
      for (int p = 0; p < P; p++) x[p] = _mm256_aesenc_epi128(x[p], rk[r]);
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      const __m256i keystream = _mm256_aesenclast_epi128(x[p], rk[rounds]);
      const int low = 2 * p, high = 2 * p + 1;
      __m128i feedback_low = _mm_setzero_si128(), feedback_high = _mm_setzero_si128();
      if (b < blocks[low]) ApplyKeystream(lane[low], length[low], b, _mm256_castsi256_si128(keystream), &feedback_low);
      if (b < blocks[high]) ApplyKeystream(lane[high], length[high], b, _mm256_extracti128_si256(keystream, 1), &feedback_high);
      x[p] = _mm256_xor_si256(_mm256_set_m128i(feedback_high, feedback_low), rk[0]);
    }
  }
}

using NarrowFn = void (*)(uint8_t* const*, const size_t*, const uint8_t*, int, const uint8_t*);
constexpr NarrowFn kNarrow[kNarrowLanes + 1] = {nullptr,           &EncryptNarrow<1>, &EncryptNarrow<2>,
                                                &EncryptNarrow<3>, &EncryptNarrow<4>, &EncryptNarrow<5>,
                                                &EncryptNarrow<6>, &EncryptNarrow<7>, &EncryptNarrow<8>};
// The wide path takes only more than eight lanes (eight cost the same in 128-bit registers), so
// five to eight pairs.
using WideFn = void (*)(uint8_t* const*, const size_t*, int, const uint8_t*, int, const uint8_t*);
constexpr WideFn kWide[kMaxLanes / 2 + 1] = {nullptr,         nullptr,         nullptr,         nullptr,        nullptr,
                                             &EncryptWide<5>, &EncryptWide<6>, &EncryptWide<7>, &EncryptWide<8>};

}  // namespace

bool WideAvailable() { return Available() && __builtin_cpu_supports("vaes") && __builtin_cpu_supports("avx2"); }

void Encrypt(uint8_t* const* data, const size_t* lengths, int lanes, const uint8_t* round_keys, int rounds,
             const uint8_t iv[16], bool wide) {
  if (lanes <= 0 || lanes > kMaxLanes || rounds < 10 || rounds > 14) return;
  if (lanes > kNarrowLanes && wide) {
    kWide[(lanes + 1) / 2](data, lengths, lanes, round_keys, rounds, iv);
    return;
  }
  for (int first = 0; first < lanes; first += kNarrowLanes) {
    const int n = lanes - first < kNarrowLanes ? lanes - first : kNarrowLanes;
    kNarrow[n](data + first, lengths + first, round_keys, rounds, iv);
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
