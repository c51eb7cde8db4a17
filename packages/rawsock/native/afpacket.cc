// AF_PACKET socket for @paqet/rawsock (Linux): a TPACKET_V2 receive ring whose frames
// are copied into a JS-owned arena and handed to JS as one batch per callback (every frame
// the kernel has filled when the socket turns readable), and batched transmit with
// sendmmsg from a JS-owned arena. The BPF filter is compiled by libpcap (pcap_compile on a
// dead Ethernet handle) and attached before the socket is bound, so no unfiltered frame is
// ever queued.
//
// TPACKET_V2, not V3: V3 wakes the reader only when a block retires (full, or after its
// timeout, at least 1 ms and a jiffy on many kernels), which a request/response exchange
// pays on every hop; V2 marks each frame ready on its own and poll wakes per frame, while a
// busy reader still drains many frames per wake-up.
//
// Everything read from the ring is bounds-checked against the frame's slot: a header whose
// captured bytes (tp_mac, tp_snaplen) would lie outside the slot is skipped (counted in
// `ringErrors`), and no frame is copied past its captured length.
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace {

// Ring geometry limits: a slot holds at least a 1500-byte-MTU frame and its headers (a larger frame is truncated and flagged).
constexpr uint32_t kMinFrameSize = 2048;
constexpr uint32_t kMaxFrames = 1u << 16;
// Received frames as (offset, length) pairs in rxMeta; length < 0 = truncated.
constexpr uint32_t kRxMetaPerFrame = 2;
// Frames to send as (offset, length, tcpOffset) triples in txMeta; tcpOffset > 0: the TCP
// checksum at that offset holds only the pseudo-header sum and is finished here.
constexpr uint32_t kTxMetaPerFrame = 3;
// The checksum field's place in a TCP header.
constexpr uint32_t kTcpChecksumAt = 16;

std::string Errno(const char* what, int err) {
  return std::string(what) + ": " + strerror(err);
}

// Finishes the TCP checksum of segment[0, length) whose checksum field holds the pseudo-header
// sum: the one's-complement sum of the 16-bit words, folded and inverted. Summed in host byte
// order (RFC 1071, section 2(B)), so the result is stored as it comes out, without a swap.
void FinishTcpChecksum(uint8_t* segment, size_t length) {
  uint64_t sum = 0;
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t w;
    memcpy(&w, segment + i, 8);
    sum += (w & 0xffffffffu) + (w >> 32);
  }
  for (; i + 2 <= length; i += 2) {
    uint16_t w;
    memcpy(&w, segment + i, 2);
    sum += w;
  }
  if (i < length) {
    uint8_t last[2] = {segment[i], 0};  // an odd tail is padded with a zero byte
    uint16_t w;
    memcpy(&w, last, 2);
    sum += w;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum);
  memcpy(segment + kTcpChecksumAt, &checksum, 2);
}

// Checks one txMeta triple against the arena and finishes the frame's TCP checksum if asked.
// False for a triple that is not a frame inside the arena, or whose checksum field is not inside
// the frame (tcpOffset + 18 > length); nothing is written then.
bool PrepareTxFrame(uint8_t* arena, size_t arenaLength, int32_t offset, int32_t length, int32_t tcpOffset) {
  if (offset < 0 || length <= 0 || static_cast<size_t>(offset) > arenaLength || static_cast<size_t>(length) > arenaLength - offset) return false;
  if (tcpOffset < 0 || (tcpOffset > 0 && static_cast<int64_t>(tcpOffset) + kTcpChecksumAt + 2 > length)) return false;
  if (tcpOffset > 0) FinishTcpChecksum(arena + offset + tcpOffset, static_cast<size_t>(length - tcpOffset));
  return true;
}

// A frame slot as the kernel fills it (tpacket_rcv): a tpacket2_hdr whose captured bytes
// start tp_mac bytes into the slot and run tp_snaplen bytes. Both are checked against the
// slot before anything is read. Calls onFrame(bytes, length, truncated) for a frame with
// bytes; returns false when the header is malformed.
template <typename OnFrame>
bool ReadTpacketFrame(const uint8_t* slot, uint32_t slotSize, OnFrame onFrame) {
  if (slotSize < sizeof(struct tpacket2_hdr)) return false;
  const auto* hdr = reinterpret_cast<const struct tpacket2_hdr*>(slot);
  const uint32_t snap = hdr->tp_snaplen;
  const uint32_t wire = hdr->tp_len;
  const uint32_t mac = hdr->tp_mac;
  // The captured bytes [mac, mac + snap) must lie after the header and inside the slot.
  if (mac < sizeof(struct tpacket2_hdr) || mac > slotSize || snap > slotSize - mac) return false;
  if (snap > 0) onFrame(slot + mac, snap, snap < wire);
  return true;
}

class AfPacketSocket : public Napi::ObjectWrap<AfPacketSocket> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "AfPacketSocket",
                       {InstanceMethod("send", &AfPacketSocket::Send),
                        InstanceMethod("close", &AfPacketSocket::Close),
                        InstanceMethod("stats", &AfPacketSocket::Stats)});
  }

  // new AfPacketSocket({ interface, filter, blockSize, blockCount, frameSize,
  //   rxArena, rxMeta, txArena, txMeta, sndbuf }, onBatch(count))
  explicit AfPacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AfPacketSocket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "AfPacketSocket(options, onBatch)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    if (!o.Get("interface").IsString() || !o.Get("filter").IsString() || !o.Get("rxArena").IsBuffer() ||
        !o.Get("txArena").IsBuffer() || !o.Get("rxMeta").IsTypedArray() || !o.Get("txMeta").IsTypedArray()) {
      Napi::TypeError::New(env, "AfPacketSocket: bad options").ThrowAsJavaScriptException();
      return;
    }
    std::string ifname = o.Get("interface").As<Napi::String>().Utf8Value();
    std::string filter = o.Get("filter").As<Napi::String>().Utf8Value();
    uint32_t blockSize = o.Get("blockSize").ToNumber().Uint32Value();
    uint32_t blockCount = o.Get("blockCount").ToNumber().Uint32Value();
    uint32_t frameSize = o.Get("frameSize").ToNumber().Uint32Value();
    int sndbuf = o.Get("sndbuf").ToNumber().Int32Value();
    if (!o.Get("rxMeta").IsTypedArray() || !o.Get("txMeta").IsTypedArray() || !o.Get("rxArena").IsBuffer() ||
        !o.Get("txArena").IsBuffer()) {
      Napi::TypeError::New(env, "AfPacketSocket: arenas must be Buffers and meta arrays Int32Arrays").ThrowAsJavaScriptException();
      return;
    }
    Napi::Int32Array rxMeta = o.Get("rxMeta").As<Napi::Int32Array>();
    Napi::Int32Array txMeta = o.Get("txMeta").As<Napi::Int32Array>();
    if (rxMeta.TypedArrayType() != napi_int32_array || txMeta.TypedArrayType() != napi_int32_array) {
      Napi::TypeError::New(env, "AfPacketSocket: meta arrays must be Int32Array").ThrowAsJavaScriptException();
      return;
    }
    // Slots tile each block exactly (so slot i starts at i * frameSize) and blocks are whole pages.
    if (frameSize < kMinFrameSize || (frameSize & (TPACKET_ALIGNMENT - 1)) != 0 || blockSize < frameSize ||
        blockSize % frameSize != 0 || (blockSize & (getpagesize() - 1)) != 0 || blockCount < 1 ||
        static_cast<uint64_t>(blockSize / frameSize) * blockCount > kMaxFrames) {
      Napi::RangeError::New(env, "AfPacketSocket: bad ring geometry").ThrowAsJavaScriptException();
      return;
    }
    rxArenaRef_ = Napi::Persistent(o.Get("rxArena").As<Napi::Object>());
    txArenaRef_ = Napi::Persistent(o.Get("txArena").As<Napi::Object>());
    rxMetaRef_ = Napi::Persistent(o.Get("rxMeta").As<Napi::Object>());
    txMetaRef_ = Napi::Persistent(o.Get("txMeta").As<Napi::Object>());
    Napi::Buffer<uint8_t> rxArena = o.Get("rxArena").As<Napi::Buffer<uint8_t>>();
    Napi::Buffer<uint8_t> txArena = o.Get("txArena").As<Napi::Buffer<uint8_t>>();
    rxArena_ = rxArena.Data();
    rxArenaLen_ = rxArena.Length();
    txArena_ = txArena.Data();
    txArenaLen_ = txArena.Length();
    rxMeta_ = rxMeta.Data();
    rxMaxFrames_ = rxMeta.ElementLength() / kRxMetaPerFrame;
    txMeta_ = txMeta.Data();
    txMaxFrames_ = txMeta.ElementLength() / kTxMetaPerFrame;
    if (rxMaxFrames_ == 0 || txMaxFrames_ == 0 || rxArenaLen_ < 65536 + 64) {
      Napi::RangeError::New(env, "AfPacketSocket: arenas too small").ThrowAsJavaScriptException();
      return;
    }
    msgs_.resize(txMaxFrames_);
    iovs_.resize(txMaxFrames_);
    onBatch_ = Napi::Persistent(info[1].As<Napi::Function>());
    asyncContext_ = new Napi::AsyncContext(env, "paqet:afpacket");

    std::string err = Open(ifname, filter, blockSize, blockCount, frameSize, sndbuf);
    if (!err.empty()) {
      Teardown();
      Napi::Error e = Napi::Error::New(env, err);
      e.Set("errno", Napi::Number::New(env, openErrno_));
      e.ThrowAsJavaScriptException();
      return;
    }
    poll_ = new uv_poll_t;
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    uv_poll_init(loop, poll_, fd_);
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, OnReadable);
    Ref();  // alive while the poll handle is
  }

  ~AfPacketSocket() override {
    Teardown();
    delete asyncContext_;
  }

 private:
  std::string Open(const std::string& ifname, const std::string& filter, uint32_t blockSize, uint32_t blockCount,
                   uint32_t frameSize, int sndbuf) {
    unsigned ifindex = if_nametoindex(ifname.c_str());
    if (ifindex == 0) return Fail("no such device " + ifname, ENODEV);
    // Protocol 0: the socket receives nothing until bind() names ETH_P_ALL, after the filter is on.
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Fail(Errno("socket(AF_PACKET)", errno), errno);

    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    if (dead == nullptr) return Fail("pcap_open_dead failed", EINVAL);
    struct bpf_program prog;
    if (pcap_compile(dead, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string msg = std::string("bad filter: ") + pcap_geterr(dead);
      pcap_close(dead);
      return Fail(msg, EINVAL);
    }
    pcap_close(dead);
    struct sock_fprog fprog;
    fprog.len = static_cast<unsigned short>(prog.bf_len);
    // struct bpf_insn and struct sock_filter have the same layout (code u16, jt u8, jf u8, k u32).
    fprog.filter = reinterpret_cast<struct sock_filter*>(prog.bf_insns);
    int rc = setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
    int attachErr = errno;
    pcap_freecode(&prog);
    if (rc != 0) return Fail(Errno("SO_ATTACH_FILTER", attachErr), attachErr);

    int version = TPACKET_V2;
    if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
      return Fail(Errno("PACKET_VERSION", errno), errno);
    int one = 1;
    // Not fatal: older kernels lack it, and the filter also refuses our own source MAC.
    setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    if (sndbuf > 0 && setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0)
      setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

    struct tpacket_req req;
    memset(&req, 0, sizeof req);
    req.tp_block_size = blockSize;
    req.tp_block_nr = blockCount;
    req.tp_frame_size = frameSize;
    req.tp_frame_nr = (blockSize / frameSize) * blockCount;
    if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
      return Fail(Errno("PACKET_RX_RING", errno), errno);
    ringLen_ = static_cast<size_t>(blockSize) * blockCount;
    void* ring = mmap(nullptr, ringLen_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd_, 0);
    if (ring == MAP_FAILED) ring = mmap(nullptr, ringLen_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (ring == MAP_FAILED) {
      ringLen_ = 0;
      return Fail(Errno("mmap ring", errno), errno);
    }
    ring_ = static_cast<uint8_t*>(ring);
    frameSize_ = frameSize;
    frameCount_ = req.tp_frame_nr;

    struct sockaddr_ll addr;
    memset(&addr, 0, sizeof addr);
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = static_cast<int>(ifindex);
    if (bind(fd_, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) != 0) return Fail(Errno("bind", errno), errno);
    return "";
  }

  std::string Fail(const std::string& msg, int err) {
    openErrno_ = err;
    return msg;
  }

  // Releases the ring and the socket. The poll handle is closed asynchronously and owns
  // nothing of ours after uv_close.
  void Teardown() {
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      poll_->data = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      poll_ = nullptr;
    }
    if (ring_ != nullptr) {
      munmap(ring_, ringLen_);
      ring_ = nullptr;
      ringLen_ = 0;
    }
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    AfPacketSocket* self = static_cast<AfPacketSocket*>(handle->data);
    if (self == nullptr) return;
    if (status < 0) self->Rearm();
    self->Drain();
  }

  // The link went down: the kernel set ENETDOWN on the socket, the poll reported POLLERR,
  // and libuv stopped the handle. Reading SO_ERROR clears the error; polling again picks
  // the ring up once the link is back (the kernel re-hooks a bound socket on NETDEV_UP).
  void Rearm() {
    int err = 0;
    socklen_t len = sizeof err;
    if (fd_ >= 0) getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    pollErrors_++;
    lastPollErrno_ = err;
    if (poll_ != nullptr && !closing_) uv_poll_start(poll_, UV_READABLE, OnReadable);
  }

  // Takes every frame the kernel has filled (one pass round the ring at most), copying
  // frames into the arena and calling JS whenever the arena or the meta array is full and
  // once at the end. Each slot goes back to the kernel as soon as it is copied.
  void Drain() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    inDrain_ = true;
    batchFrames_ = 0;
    batchBytes_ = 0;
    drains_++;
    for (uint32_t n = 0; n < frameCount_ && ring_ != nullptr && !closing_; n++) {
      uint8_t* slot = ring_ + static_cast<size_t>(current_) * frameSize_;
      auto* hdr = reinterpret_cast<volatile struct tpacket2_hdr*>(slot);
      if ((hdr->tp_status & TP_STATUS_USER) == 0) break;
      __atomic_thread_fence(__ATOMIC_ACQUIRE);
      bool ok = ReadTpacketFrame(slot, frameSize_, [this](const uint8_t* frame, uint32_t length, bool truncated) {
        CopyFrame(frame, length, truncated);
      });
      if (!ok) ringErrors_++;
      if (closing_) break;  // JS closed us during a batch: the ring is about to go
      __atomic_thread_fence(__ATOMIC_RELEASE);
      hdr->tp_status = TP_STATUS_KERNEL;
      current_ = (current_ + 1) % frameCount_;
    }
    if (!closing_ && batchFrames_ > 0) Deliver();
    inDrain_ = false;
    if (closing_) FinishClose();
  }

  void CopyFrame(const uint8_t* frame, uint32_t length, bool truncated) {
    if (batchFrames_ == rxMaxFrames_ || rxArenaLen_ - batchBytes_ < length) Deliver();
    if (closing_) return;
    if (length > rxArenaLen_) {  // a frame is at most a slot; only a slot larger than the arena (64 KiB+) gets here
      ringErrors_++;
      return;
    }
    memcpy(rxArena_ + batchBytes_, frame, length);
    rxMeta_[batchFrames_ * kRxMetaPerFrame] = static_cast<int32_t>(batchBytes_);
    rxMeta_[batchFrames_ * kRxMetaPerFrame + 1] = truncated ? -static_cast<int32_t>(length) : static_cast<int32_t>(length);
    batchFrames_++;
    // Keep the next frame 8-byte aligned in the arena.
    batchBytes_ += (length + 7u) & ~7u;
    if (batchBytes_ > rxArenaLen_) batchBytes_ = rxArenaLen_;
    framesIn_++;
  }

  void Deliver() {
    uint32_t n = batchFrames_;
    batchFrames_ = 0;
    batchBytes_ = 0;
    if (n == 0) return;
    batches_++;
    Napi::Env env = Env();
    napi_value argv[1] = {Napi::Number::New(env, n)};
    napi_value result;
    napi_status s = napi_make_callback(env, asyncContext_->operator napi_async_context(), Value(), onBatch_.Value(), 1, argv,
                                       &result);
    if (s == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }

  // send(count): frames are (offset, length, tcpOffset) triples in txMeta over txArena.
  // Returns how many the kernel took; the rest failed (bad triple, or the device refused them).
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0 || closing_) return Napi::Number::New(env, 0);
    uint32_t count = info[0].ToNumber().Uint32Value();
    if (count > txMaxFrames_) count = txMaxFrames_;
    uint32_t valid = 0;
    for (uint32_t i = 0; i < count; i++) {
      int32_t off = txMeta_[i * kTxMetaPerFrame];
      int32_t len = txMeta_[i * kTxMetaPerFrame + 1];
      if (!PrepareTxFrame(txArena_, txArenaLen_, off, len, txMeta_[i * kTxMetaPerFrame + 2])) continue;
      iovs_[valid].iov_base = txArena_ + off;
      iovs_[valid].iov_len = static_cast<size_t>(len);
      memset(&msgs_[valid], 0, sizeof(struct mmsghdr));
      msgs_[valid].msg_hdr.msg_iov = &iovs_[valid];
      msgs_[valid].msg_hdr.msg_iovlen = 1;
      valid++;
    }
    uint32_t done = 0;
    uint32_t sent = 0;
    while (done < valid) {
      int r = sendmmsg(fd_, &msgs_[done], valid - done, 0);
      if (r > 0) {
        done += static_cast<uint32_t>(r);
        sent += static_cast<uint32_t>(r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      // The frame at `done` was refused (ENOBUFS from a full device queue, ENETDOWN, EMSGSIZE...): skip it.
      lastSendErrno_ = r < 0 ? errno : 0;
      sendErrors_++;
      done++;
    }
    syscalls_++;
    return Napi::Number::New(env, sent);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (closing_ || fd_ < 0) return info.Env().Undefined();
    closing_ = true;
    if (!inDrain_) FinishClose();
    return info.Env().Undefined();
  }

  void FinishClose() {
    bool wasOpen = poll_ != nullptr;
    Teardown();
    if (wasOpen) Unref();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    if (fd_ >= 0) {
      struct tpacket_stats st;
      socklen_t len = sizeof st;
      memset(&st, 0, sizeof st);
      // Reading resets the kernel's counters, so they are accumulated here.
      if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
        kernelPackets_ += st.tp_packets;
        kernelDrops_ += st.tp_drops;
      }
    }
    o.Set("kernelPackets", Napi::Number::New(env, static_cast<double>(kernelPackets_)));
    o.Set("kernelDrops", Napi::Number::New(env, static_cast<double>(kernelDrops_)));
    o.Set("framesIn", Napi::Number::New(env, static_cast<double>(framesIn_)));
    o.Set("drains", Napi::Number::New(env, static_cast<double>(drains_)));
    o.Set("batches", Napi::Number::New(env, static_cast<double>(batches_)));
    o.Set("ringErrors", Napi::Number::New(env, static_cast<double>(ringErrors_)));
    o.Set("sendCalls", Napi::Number::New(env, static_cast<double>(syscalls_)));
    o.Set("sendErrors", Napi::Number::New(env, static_cast<double>(sendErrors_)));
    o.Set("lastSendErrno", Napi::Number::New(env, lastSendErrno_));
    o.Set("pollErrors", Napi::Number::New(env, static_cast<double>(pollErrors_)));
    o.Set("lastPollErrno", Napi::Number::New(env, lastPollErrno_));
    return o;
  }

  int fd_ = -1;
  int openErrno_ = 0;
  uv_poll_t* poll_ = nullptr;
  uint8_t* ring_ = nullptr;
  size_t ringLen_ = 0;
  uint32_t frameSize_ = 0;
  uint32_t frameCount_ = 0;
  uint32_t current_ = 0;
  bool closing_ = false;
  bool inDrain_ = false;

  Napi::Reference<Napi::Object> rxArenaRef_, txArenaRef_, rxMetaRef_, txMetaRef_;
  uint8_t* rxArena_ = nullptr;
  size_t rxArenaLen_ = 0;
  uint8_t* txArena_ = nullptr;
  size_t txArenaLen_ = 0;
  int32_t* rxMeta_ = nullptr;
  uint32_t rxMaxFrames_ = 0;
  int32_t* txMeta_ = nullptr;
  uint32_t txMaxFrames_ = 0;
  uint32_t batchFrames_ = 0;
  size_t batchBytes_ = 0;
  std::vector<struct mmsghdr> msgs_;
  std::vector<struct iovec> iovs_;
  Napi::FunctionReference onBatch_;
  Napi::AsyncContext* asyncContext_ = nullptr;

  uint64_t kernelPackets_ = 0, kernelDrops_ = 0;
  uint64_t framesIn_ = 0, drains_ = 0, batches_ = 0, ringErrors_ = 0;
  uint64_t syscalls_ = 0, sendErrors_ = 0, pollErrors_ = 0;
  int lastSendErrno_ = 0, lastPollErrno_ = 0;
};

// prepareTxFrame(arena: Buffer, offset, length, tcpOffset): what send() does to one txMeta
// triple before sendmmsg (check it, finish the TCP checksum), on an arena built by a test.
Napi::Value PrepareTxFrameForTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "prepareTxFrame(arena: Buffer, offset, length, tcpOffset)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> arena = info[0].As<Napi::Buffer<uint8_t>>();
  const bool ok = PrepareTxFrame(arena.Data(), arena.Length(), info[1].ToNumber().Int32Value(), info[2].ToNumber().Int32Value(),
                                 info[3].ToNumber().Int32Value());
  return Napi::Boolean::New(env, ok);
}

// readFrame(slot: Buffer): the ring's frame reader on a slot built by a test, without a
// socket: { frame: [offset, length, truncated] | null, ok }. The offset is into `slot`.
Napi::Value ReadFrameForTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "readFrame(slot: Buffer)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  const uint8_t* slot = buf.Data();
  size_t size = buf.Length();
  Napi::Value frame = env.Null();
  bool ok = size <= UINT32_MAX && ReadTpacketFrame(slot, static_cast<uint32_t>(size), [&](const uint8_t* bytes, uint32_t length, bool truncated) {
    Napi::Array f = Napi::Array::New(env, 3);
    f.Set(0u, Napi::Number::New(env, static_cast<double>(bytes - slot)));
    f.Set(1u, Napi::Number::New(env, length));
    f.Set(2u, Napi::Boolean::New(env, truncated));
    frame = f;
  });
  Napi::Object o = Napi::Object::New(env);
  o.Set("frame", frame);
  o.Set("ok", Napi::Boolean::New(env, ok));
  return o;
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("AfPacketSocket", AfPacketSocket::Init(env));
  exports.Set("readFrame", Napi::Function::New(env, ReadFrameForTest, "readFrame"));
  exports.Set("prepareTxFrame", Napi::Function::New(env, PrepareTxFrameForTest, "prepareTxFrame"));
  return exports;
}

}  // namespace

NODE_API_MODULE(paqet_afpacket, InitModule)
