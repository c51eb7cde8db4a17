// A/B of the wire hot paths on two bundled builds (no test-runner transform), CPU time per op:
//   esbuild <src>/index.ts --bundle --format=esm --platform=node --outfile=$AB_DIR/wire-A.mjs
//   (the same for B, from the other source tree)
//   for i in 1..8: node frames-ab.mjs A; node frames-ab.mjs B   (then swap the order; compare medians)
const [which] = process.argv.slice(2);
const dir = process.env.AB_DIR ?? '/tmp';
const w = await import(`${dir}/wire-${which}.mjs`);
const payload = new Uint8Array(1400).map((_, i) => (i * 31) & 0xff);
const env = new w.PaqetEnvelope({ localMac: '02:00:00:00:00:01', routerMacV4: '02:00:00:00:00:fe', routerMacV6: '02:00:00:00:00:fe', localIpv4: '192.0.2.10', localIpv6: '2001:db8::10', localPort: 40000 });
const dst4 = { address: '198.51.100.20', port: 9999 };
const dst6 = { address: '2001:db8::20', port: 9999 };
const out = new Uint8Array(1600);
const f4 = out.slice(0, env.assemble(out, payload, dst4));
const f6 = out.slice(0, env.assemble(out, payload, dst6));
const dec = new w.InboundDecoder();
let sink = 0;
const cases = {
  'assemble IPv4': () => { sink += env.assemble(out, payload, dst4); },
  'assemble IPv6': () => { sink += env.assemble(out, payload, dst6); },
  'decode IPv4': () => { sink += dec.decode(f4, 9999).payloadLength; },
  'decode IPv6': () => { sink += dec.decode(f6, 9999).payloadLength; },
};
const res = {};
for (const [name, fn] of Object.entries(cases)) {
  for (let i = 0; i < 200000; i++) fn(); // warm up
  const n = 1_000_000;
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const u = process.cpuUsage(t);
  res[name] = n / ((u.user + u.system) / 1e6) / 1e6;
}
console.log(JSON.stringify({ which, ...res, sink: sink > 0 }));
