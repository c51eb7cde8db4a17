// One measurement each: bulk transfers with curl, latency and idle streams with the
// SOCKS client script. All run inside the lab's client namespace.
import { fileURLToPath } from 'node:url';
import { run } from './proc.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const SOCKS = '127.0.0.1:1080';

/**
 * `streams` concurrent curls, each moving bytes/streams; direction 'down' (GET /bytes) or
 * 'up' (POST /upload from uploadFile). Rate = all bytes / the longest curl time, so process
 * start-up is not counted. A transfer that hits capSeconds still counts what it moved.
 */
export async function bulk(lab, { direction, bytes, streams, viaSocks, capSeconds, uploadFile }) {
  const target = `http://${lab.info.TARGET_IP}:8000`;
  const per = Math.floor(bytes / streams);
  const one = () => {
    const args = ['-sS', '--max-time', String(capSeconds), '-o', '/dev/null'];
    if (viaSocks) args.push('--socks5-hostname', SOCKS);
    if (direction === 'down') {
      args.push('-w', '%{size_download} %{time_total} %{http_code}', `${target}/bytes?n=${per}`);
    } else {
      args.push('-X', 'POST', '-H', 'Expect:', '--upload-file', uploadFile, '-w', '%{size_upload} %{time_total} %{http_code}', `${target}/upload`);
    }
    return lab.exec('client', 'curl', args, { timeoutMs: (capSeconds + 15) * 1000 });
  };
  const results = await Promise.all(Array.from({ length: streams }, one));
  let moved = 0;
  let seconds = 0;
  let capped = false;
  for (const r of results) {
    const [size, secs, status] = r.stdout.trim().split(' ');
    if (r.code === 28) capped = true;
    else if (r.code !== 0 || status !== '200') throw new Error(`curl ${direction} failed (exit ${r.code}, http ${status}): ${r.stderr.trim()}`);
    moved += Number(size);
    seconds = Math.max(seconds, Number(secs));
  }
  return { bytes: moved, seconds, mbps: moved / seconds / 1e6, capped };
}

/** N sequential small requests on fresh connections; returns per-request milliseconds. */
export async function latency(lab, { count, viaSocks }) {
  const args = [`${HERE}socks-client.mjs`, 'latency', String(count), lab.info.TARGET_IP, '8000'];
  if (viaSocks) args.push(SOCKS);
  const r = await lab.exec('client', 'node', args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`latency client failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()).ms;
}

/** Opens N idle SOCKS streams and keeps them until release() is called. */
export async function openIdle(lab, { count, logFile }) {
  const child = lab.spawn('client', 'node', [`${HERE}socks-client.mjs`, 'idle', String(count), lab.info.TARGET_IP, '8001', SOCKS], logFile, { stdin: 'pipe' });
  // The child's stdout goes to the log file; poll it for the "open" line.
  const { readFileSync } = await import('node:fs');
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const text = readFileSync(logFile, 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('{"open"'));
    if (line) {
      return {
        ...JSON.parse(line),
        release: async () => {
          child.stdin.end();
          await child.exited;
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`idle client exited: ${text.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('idle streams did not all open within 120 s');
}
