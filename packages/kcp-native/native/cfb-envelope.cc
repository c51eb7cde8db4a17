// kcp-go's CRC envelope under a full-block CFB cipher, sealed and opened in place with the
// OpenSSL and zlib that node itself carries (no library of our own is linked).
//
// Datagram: [nonce 16][crc32(payload) LE 4][payload], all of it CFB-encrypted from a
// fixed IV. JavaScript writes the nonce; seal() writes the CRC and encrypts; open()
// decrypts and checks the CRC. Every length is checked against the caller's view before
// a byte is touched: nothing is read or written outside [data, data + length).
#include <napi.h>
#include <openssl/evp.h>

#include "aesni-cfb.h"
#include "crc32-clmul.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr size_t kNonceSize = 16;
constexpr size_t kHeaderSize = 20;  // nonce + CRC32
// Larger than any IP datagram; a bound on what one call may ask of the scratch buffer.
constexpr size_t kMaxDatagram = 65536;

// kcp-go's fixed CFB IV; 8-byte block ciphers use its first 8 bytes.
constexpr uint8_t kIv[16] = {0xa7, 0x73, 0x4f, 0x9c, 0x12, 0xac, 0x1b, 0x01,
                             0xa4, 0x15, 0xf2, 0xc1, 0xfc, 0x78, 0xe6, 0x6b};

enum OpenResult { kOpenOk = 0, kOpenShort = 1, kOpenCrc = 2 };

// A Uint8Array argument as (data, byteLength), or false after throwing a TypeError.
bool Bytes(const Napi::CallbackInfo& info, size_t i, uint8_t** data, size_t* length) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError::New(env, "expected a Uint8Array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Uint8Array view = info[i].As<Napi::Uint8Array>();
  *data = view.Data();
  *length = view.ByteLength();
  return true;
}

// A length argument: an integer in [min, max], or false after throwing a RangeError.
bool Length(const Napi::CallbackInfo& info, size_t i, size_t min, size_t max, size_t* out) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsNumber()) {
    Napi::TypeError::New(env, "expected a length").ThrowAsJavaScriptException();
    return false;
  }
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (!(value >= static_cast<double>(min) && value <= static_cast<double>(max)) ||
      value != static_cast<double>(static_cast<size_t>(value))) {
    Napi::RangeError::New(env, "length " + std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<size_t>(value);
  return true;
}


class CfbEnvelope : public Napi::ObjectWrap<CfbEnvelope> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CfbEnvelope",
                       {InstanceMethod<&CfbEnvelope::Seal>("seal"), InstanceMethod<&CfbEnvelope::SealBatch>("sealBatch"),
                        InstanceMethod<&CfbEnvelope::Open>("open"), InstanceAccessor<&CfbEnvelope::Interleaved>("interleaved")});
  }

  // new CfbEnvelope(algorithm, key, interleave = true): algorithm is an OpenSSL name without
  // its mode ("AES-256", "SM4", "DES-EDE3"); key has exactly the cipher's key length.
  // interleave: sealBatch runs AES lanes side by side with AES-NI where the CPU has it.
  explicit CfbEnvelope(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CfbEnvelope>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString()) {
      Napi::TypeError::New(env, "new CfbEnvelope(algorithm: string, key: Uint8Array)").ThrowAsJavaScriptException();
      return;
    }
    const std::string algorithm = info[0].As<Napi::String>().Utf8Value();
    uint8_t* key;
    size_t key_length;
    if (!Bytes(info, 1, &key, &key_length)) return;
    cfb_cipher_ = EVP_CIPHER_fetch(nullptr, (algorithm + "-CFB").c_str(), nullptr);
    ecb_cipher_ = EVP_CIPHER_fetch(nullptr, (algorithm + "-ECB").c_str(), nullptr);
    if (cfb_cipher_ == nullptr || ecb_cipher_ == nullptr) {
      Napi::Error::New(env, "this node's OpenSSL has no " + algorithm + " in CFB and ECB mode").ThrowAsJavaScriptException();
      return;
    }
    block_ = static_cast<size_t>(EVP_CIPHER_get_block_size(ecb_cipher_));
    // Full-block CFB with kcp-go's IV needs the feedback to be the whole block.
    if ((block_ != 8 && block_ != 16) || EVP_CIPHER_get_iv_length(cfb_cipher_) != static_cast<int>(block_)) {
      Napi::Error::New(env, algorithm + ": not a 64- or 128-bit block cipher").ThrowAsJavaScriptException();
      return;
    }
    if (key_length != static_cast<size_t>(EVP_CIPHER_get_key_length(ecb_cipher_))) {
      Napi::RangeError::New(env, algorithm + " needs a " + std::to_string(EVP_CIPHER_get_key_length(ecb_cipher_)) +
                                     "-byte key, got " + std::to_string(key_length))
          .ThrowAsJavaScriptException();
      return;
    }
    encrypt_ = EVP_CIPHER_CTX_new();
    keystream_ = EVP_CIPHER_CTX_new();
    int out = 0;
    if (encrypt_ == nullptr || keystream_ == nullptr ||
        EVP_EncryptInit_ex2(encrypt_, cfb_cipher_, key, kIv, nullptr) != 1 ||
        EVP_EncryptInit_ex2(keystream_, ecb_cipher_, key, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(keystream_, 0) != 1 ||
        EVP_EncryptUpdate(keystream_, first_keystream_, &out, kIv, static_cast<int>(block_)) != 1 ||
        out != static_cast<int>(block_)) {
      Napi::Error::New(env, "OpenSSL could not set up " + algorithm).ThrowAsJavaScriptException();
      Free();
      return;
    }
    scratch_.resize(2048);
    const bool interleave = info.Length() < 3 || !info[2].IsBoolean() || info[2].As<Napi::Boolean>().Value();
    if (interleave && algorithm.rfind("AES-", 0) == 0 && aesni_cfb::Available()) {
      rounds_ = aesni_cfb::ExpandKey(key, key_length, round_keys_);
      // PAQET_KCP_NATIVE_LANES=8 keeps to 128-bit registers (to test and compare that path on a VAES CPU).
      const char* lanes = std::getenv("PAQET_KCP_NATIVE_LANES");
      wide_ = aesni_cfb::WideAvailable() && !(lanes != nullptr && std::strcmp(lanes, "8") == 0);
    }
  }

  ~CfbEnvelope() override { Free(); }

 private:
  // seal(buf, length): buf[0, 16) holds the nonce and buf[20, length) the payload. Writes
  // the payload's CRC32 to buf[16, 20) and encrypts buf[0, length) in place.
  void Seal(const Napi::CallbackInfo& info) {
    uint8_t* data;
    size_t view_length, length;
    if (!Usable(info) || !Bytes(info, 0, &data, &view_length) ||
        !Length(info, 1, kHeaderSize, view_length < kMaxDatagram ? view_length : kMaxDatagram, &length)) {
      return;
    }
    WriteCrc(data, length);
    if (!CfbEncrypt(data, length)) Napi::Error::New(info.Env(), "OpenSSL CFB encryption failed").ThrowAsJavaScriptException();
  }

  // sealBatch(arena, stride, payloadLengths, count): seal() of datagram i at arena[i * stride]
  // with payload length payloadLengths[i], for i < count. Every bound is checked for all
  // datagrams before any byte is written.
  void SealBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* arena;
    size_t arena_length, stride, count;
    if (!Usable(info) || !Bytes(info, 0, &arena, &arena_length) || !Length(info, 1, kHeaderSize, kMaxDatagram, &stride)) return;
    if (info.Length() < 4 || !info[2].IsTypedArray() ||
        info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      Napi::TypeError::New(env, "payloadLengths must be a Uint32Array").ThrowAsJavaScriptException();
      return;
    }
    Napi::Uint32Array payload_lengths = info[2].As<Napi::Uint32Array>();
    if (!Length(info, 3, 0, payload_lengths.ElementLength(), &count)) return;
    if (count > arena_length / stride) {
      Napi::RangeError::New(env, std::to_string(count) + " datagrams of stride " + std::to_string(stride) +
                                     " exceed a " + std::to_string(arena_length) + "-byte arena")
          .ThrowAsJavaScriptException();
      return;
    }
    // The lengths are copied once, then only the copy is read: the arena might share memory
    // with them, and a CRC or ciphertext written there must not change a bound already checked.
    if (batch_lengths_.size() < count) batch_lengths_.resize(count);
    std::memcpy(batch_lengths_.data(), payload_lengths.Data(), count * sizeof(uint32_t));
    const uint32_t* payloads = batch_lengths_.data();
    for (size_t i = 0; i < count; i++) {
      if (payloads[i] > stride - kHeaderSize) {
        Napi::RangeError::New(env, "datagram " + std::to_string(i) + ": a " + std::to_string(payloads[i]) +
                                       "-byte payload does not fit a " + std::to_string(stride) + "-byte slot")
            .ThrowAsJavaScriptException();
        return;
      }
    }
    for (size_t i = 0; i < count; i++) WriteCrc(arena + i * stride, kHeaderSize + payloads[i]);
    if (rounds_ > 0) {
      for (size_t first = 0; first < count; first += aesni_cfb::kMaxLanes) {
        uint8_t* data[aesni_cfb::kMaxLanes];
        size_t lengths[aesni_cfb::kMaxLanes];
        int lanes = 0;
        for (size_t i = first; i < count && lanes < aesni_cfb::kMaxLanes; i++, lanes++) {
          data[lanes] = arena + i * stride;
          lengths[lanes] = kHeaderSize + payloads[i];
        }
        aesni_cfb::Encrypt(data, lengths, lanes, round_keys_, rounds_, kIv, wide_);
      }
      return;
    }
    for (size_t i = 0; i < count; i++) {
      if (!CfbEncrypt(arena + i * stride, kHeaderSize + payloads[i])) {
        Napi::Error::New(env, "OpenSSL CFB encryption failed").ThrowAsJavaScriptException();
        return;
      }
    }
  }

  // True when sealBatch interleaves AES-NI lanes (false: one OpenSSL call per datagram).
  Napi::Value Interleaved(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), rounds_ > 0); }

  // open(datagram) -> 0 ok, 1 short, 2 CRC mismatch. Decrypts the whole view in place
  // (unless short). CFB decryption's keystream is E(IV), E(C[0]), ..., E(C[n-2]): the
  // ciphertext blocks go through ECB in one call, not one block at a time.
  Napi::Value Open(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* data;
    size_t length;
    if (!Usable(info) || !Bytes(info, 0, &data, &length)) return env.Undefined();
    if (length < kHeaderSize) return Napi::Number::New(env, kOpenShort);
    if (length > kMaxDatagram) {
      Napi::RangeError::New(env, "datagram longer than 65536 bytes").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const size_t b = block_;
    // Whole blocks of ciphertext that feed the keystream: all but the last (partial) block.
    const size_t fed = ((length + b - 1) / b) * b - b;  // < length, a multiple of b
    if (fed > 0) {
      if (scratch_.size() < fed) scratch_.resize(fed);
      int out = 0;
      if (EVP_EncryptUpdate(keystream_, scratch_.data(), &out, data, static_cast<int>(fed)) != 1 ||
          out != static_cast<int>(fed)) {
        Napi::Error::New(env, "OpenSSL ECB keystream failed").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      // data[b + i] ^= E(C[i / b]) for i < length - b; length - b <= fed.
      XorInto(data + b, scratch_.data(), length - b);
    }
    XorInto(data, first_keystream_, length < b ? length : b);
    const uint32_t stored = static_cast<uint32_t>(data[16]) | (static_cast<uint32_t>(data[17]) << 8) |
                            (static_cast<uint32_t>(data[18]) << 16) | (static_cast<uint32_t>(data[19]) << 24);
    const bool ok = stored == crc32_clmul::Checksum(data + kHeaderSize, length - kHeaderSize);
    return Napi::Number::New(env, ok ? kOpenOk : kOpenCrc);
  }

  // The CRC32 of data[20, length) into data[16, 20), little-endian; length >= 20, checked by the caller.
  static void WriteCrc(uint8_t* data, size_t length) {
    const uint32_t crc = crc32_clmul::Checksum(data + kHeaderSize, length - kHeaderSize);
    for (size_t i = 0; i < 4; i++) data[kNonceSize + i] = static_cast<uint8_t>(crc >> (8 * i));
  }

  // CFB-encrypts data[0, length) in place from the fixed IV. Restarting at the IV (the key
  // schedule kept) is what makes every datagram independent.
  bool CfbEncrypt(uint8_t* data, size_t length) {
    int out = 0;
    return EVP_EncryptInit_ex2(encrypt_, nullptr, nullptr, kIv, nullptr) == 1 &&
           EVP_EncryptUpdate(encrypt_, data, &out, data, static_cast<int>(length)) == 1 &&
           out == static_cast<int>(length);
  }

  bool Usable(const Napi::CallbackInfo& info) {
    if (encrypt_ != nullptr) return true;
    Napi::Error::New(info.Env(), "the cipher was not set up").ThrowAsJavaScriptException();
    return false;
  }

  static void XorInto(uint8_t* dst, const uint8_t* src, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {  // memcpy: no alignment assumed for either side
      uint64_t a, k;
      std::memcpy(&a, dst + i, 8);
      std::memcpy(&k, src + i, 8);
      a ^= k;
      std::memcpy(dst + i, &a, 8);
    }
    for (; i < n; i++) dst[i] ^= src[i];
  }

  void Free() {
    EVP_CIPHER_CTX_free(encrypt_);
    EVP_CIPHER_CTX_free(keystream_);
    EVP_CIPHER_free(cfb_cipher_);
    EVP_CIPHER_free(ecb_cipher_);
    encrypt_ = keystream_ = nullptr;
    cfb_cipher_ = ecb_cipher_ = nullptr;
    OPENSSL_cleanse(first_keystream_, sizeof first_keystream_);
    OPENSSL_cleanse(round_keys_, sizeof round_keys_);
    rounds_ = 0;
  }

  EVP_CIPHER* cfb_cipher_ = nullptr;
  EVP_CIPHER* ecb_cipher_ = nullptr;
  EVP_CIPHER_CTX* encrypt_ = nullptr;    // CFB, restarted from the IV per datagram
  EVP_CIPHER_CTX* keystream_ = nullptr;  // ECB, stateless between calls (whole blocks, no padding)
  size_t block_ = 16;
  uint8_t first_keystream_[16] = {0};  // E(IV)
  uint8_t round_keys_[aesni_cfb::kRoundKeyBytes] = {0};
  int rounds_ = 0;  // > 0: sealBatch uses the AES-NI lanes
  bool wide_ = false;  // sixteen lanes in 256-bit registers (VAES)
  std::vector<uint8_t> scratch_;
  std::vector<uint32_t> batch_lengths_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("CfbEnvelope", CfbEnvelope::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(kcp_native, Init)
