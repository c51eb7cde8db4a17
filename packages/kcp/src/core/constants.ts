/** KCP constants (docs/protocol/kcp.md, section 3). */
export const KCP_RTO_NDL = 30;
export const KCP_RTO_MIN = 100;
export const KCP_RTO_DEF = 200;
export const KCP_RTO_MAX = 60000;
export const KCP_CMD_PUSH = 81;
export const KCP_CMD_ACK = 82;
export const KCP_CMD_WASK = 83;
export const KCP_CMD_WINS = 84;
export const KCP_ASK_SEND = 1;
export const KCP_ASK_TELL = 2;
export const KCP_WND_SND = 32;
export const KCP_WND_RCV = 32;
export const KCP_MTU_DEF = 1400;
export const KCP_OVERHEAD = 24;
export const KCP_INTERVAL = 100;
export const KCP_DEADLINK = 20;
export const KCP_THRESH_INIT = 2;
export const KCP_THRESH_MIN = 2;
export const KCP_PROBE_INIT = 500;
export const KCP_PROBE_LIMIT = 120000;
/** Stored in `fastack` after a fast/early retransmit: no more until the RTO fires. */
export const KCP_FASTACK_MARK = 0xffffffff;
/** Byte offset of `sn` in a segment header (the listener reads it there). */
export const KCP_SN_OFFSET = 12;
/** Largest datagram kcp-go reads (mtuLimit). */
export const KCP_MTU_LIMIT = 1500;
