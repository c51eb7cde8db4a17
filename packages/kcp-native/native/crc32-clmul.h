// kcp-go's envelope checksum (CRC-32/IEEE, zlib's crc32) with carry-less multiplication:
// about four times zlib's table-driven speed on a datagram here (0.12-0.17 µs against
// 0.63-0.66 for 1380 bytes), and it runs once per datagram on each side.
#pragma once
#include <cstddef>
#include <cstdint>

namespace crc32_clmul {

// crc32(0, data, length) as zlib computes it; folds with PCLMULQDQ where the CPU has it
// (x86-64), and hands short inputs and the last partial block to zlib.
uint32_t Checksum(const uint8_t* data, size_t length);

}  // namespace crc32_clmul
