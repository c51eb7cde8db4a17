/** examples/quic-udp-tunnel runs as shipped (against the built packages) and says what it checked. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('../../../examples/quic-udp-tunnel/', import.meta.url));

it('the QUIC-over-UDP tunnel example echoes 1 MB by sha256 and refuses a wrong secret', async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['tunnel.mjs'], { cwd: EXAMPLE, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
  expect(out).toContain('stream 4: hello alpha');
  expect(out).toContain('1 MB echoed on stream 0: sha256 OK');
  expect(out).toContain('wrong secret: no tunnel (PAQET_ERR_QUIC_AUTH)');
});
