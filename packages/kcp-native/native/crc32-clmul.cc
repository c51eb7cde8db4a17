#include "crc32-clmul.h"

#include <zlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace crc32_clmul {
namespace {

// Folding constants for the bit-reflected polynomial 0xEDB88320 (x^n mod P, reflected and
// shifted by one): the four-block fold spans 512 bits, the one-block fold 128.
constexpr long long kFold512Low = 0x154442bd4, kFold512High = 0x1c6e41596;
constexpr long long kFold128Low = 0x1751997d0, kFold128High = 0x0ccaa009e;
constexpr long long kFold64 = 0x163cd6124;
// Barrett reduction: P(x) and floor(x^64 / P(x)), both reflected.
constexpr long long kPoly = 0x1db710641, kMu = 0x1f7011641;

// Below this zlib is as fast, and the fold needs four whole blocks to start.
constexpr size_t kMinFoldLength = 64;

bool HasClmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i x, __m128i k, __m128i next) {
  return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), next);
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i Load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// The CRC register (not inverted) after `blocks` 16-byte blocks at p, from `crc`; blocks >= 4.
__attribute__((target("pclmul,sse4.1"))) uint32_t FoldBlocks(uint32_t crc, const uint8_t* p, size_t blocks) {
  const __m128i k512 = _mm_set_epi64x(kFold512High, kFold512Low);
  const __m128i k128 = _mm_set_epi64x(kFold128High, kFold128Low);
  const __m128i k64 = _mm_set_epi64x(0, kFold64);
  const __m128i barrett = _mm_set_epi64x(kMu, kPoly);
  const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i x0 = _mm_xor_si128(Load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x1 = Load(p + 16), x2 = Load(p + 32), x3 = Load(p + 48);
  p += 64;
  blocks -= 4;
  // Four independent folds per step keep the multiplier busy.
  for (; blocks >= 4; blocks -= 4, p += 64) {
    x0 = Fold(x0, k512, Load(p));
    x1 = Fold(x1, k512, Load(p + 16));
    x2 = Fold(x2, k512, Load(p + 32));
    x3 = Fold(x3, k512, Load(p + 48));
  }
  x0 = Fold(x0, k128, x1);
  x0 = Fold(x0, k128, x2);
  x0 = Fold(x0, k128, x3);
  for (; blocks > 0; blocks--, p += 16) x0 = Fold(x0, k128, Load(p));
  // 128 -> 64 bits, then 64 -> 32, then Barrett reduction to the 32-bit remainder.
  x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), _mm_clmulepi64_si128(x0, k128, 0x10));
  x0 = _mm_xor_si128(_mm_srli_si128(x0, 4), _mm_clmulepi64_si128(_mm_and_si128(x0, low32), k64, 0x00));
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), barrett, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
  return static_cast<uint32_t>(_mm_extract_epi32(_mm_xor_si128(x0, t), 1));
}

}  // namespace

uint32_t Checksum(const uint8_t* data, size_t length) {
  uLong crc = crc32_z(0L, Z_NULL, 0);
  if (length >= kMinFoldLength && HasClmul()) {
    const size_t blocks = length / 16;
    crc = ~FoldBlocks(~static_cast<uint32_t>(crc), data, blocks) & 0xffffffffu;
    data += blocks * 16;
    length -= blocks * 16;
  }
  return static_cast<uint32_t>(crc32_z(crc, data, length));
}

}  // namespace crc32_clmul

#else

namespace crc32_clmul {
uint32_t Checksum(const uint8_t* data, size_t length) {
  return static_cast<uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), data, length));
}
}  // namespace crc32_clmul

#endif
