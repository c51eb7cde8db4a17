// AES-CFB encryption of several independent datagrams at once with AES-NI: one datagram's
// CFB chain is sequential (each block waits for the previous ciphertext), but the rounds
// of up to eight chains interleave, so the AES unit's pipeline is kept full; with VAES,
// sixteen chains run two to a 256-bit register.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aesni_cfb {

constexpr int kMaxLanes = 16;
constexpr size_t kRoundKeyBytes = 15 * 16;

// True when this CPU has AES-NI (x86-64 only; false elsewhere).
bool Available();

// True when it also has VAES and AVX2: sixteen lanes cost about what eight do.
bool WideAvailable();

// FIPS-197 key expansion for a 16-, 24- or 32-byte key into round_keys; returns the
// number of rounds (10, 12, 14), or 0 for another key size. Needs Available().
int ExpandKey(const uint8_t* key, size_t key_bytes, uint8_t round_keys[kRoundKeyBytes]);

// Full-block CFB encryption in place of datagram j = data[j][0, lengths[j]) for
// j < lanes (at most kMaxLanes), each restarted from iv. Needs Available(); `wide`
// (more than eight lanes in 256-bit registers) needs WideAvailable().
void Encrypt(uint8_t* const* data, const size_t* lengths, int lanes, const uint8_t* round_keys, int rounds,
             const uint8_t iv[16], bool wide);

}  // namespace aesni_cfb
