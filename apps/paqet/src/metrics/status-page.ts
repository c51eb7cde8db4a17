/**
 * The live status page: one self-contained HTML document (no external assets; it is served
 * from a daemon that may have no other network) that polls /status.json every 2 s.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paqet status</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #f6f8fa; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  .state { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; color: #fff; font-weight: 600; }
  .up { background: #1a7f37; } .down { background: #cf222e; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .75rem; margin: 1rem 0; }
  .card { background: #fff; border: 1px solid #d0d7de; border-radius: .5rem; padding: .75rem; }
  .card b { display: block; font-size: 1.4rem; }
  .chart { background: #fff; border: 1px solid #d0d7de; border-radius: .5rem; padding: .75rem; margin-bottom: .75rem; }
  svg { width: 100%; height: 90px; }
  table { border-collapse: collapse; background: #fff; }
  td, th { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; }
  .muted { color: #57606a; }
</style>
</head>
<body>
<h1>paqet <span id="role"></span> <span id="state" class="state">…</span></h1>
<div class="grid">
  <div class="card">sessions<b id="sessions">–</b></div>
  <div class="card">streams<b id="streams">–</b></div>
  <div class="card">RTT<b id="rtt">–</b></div>
  <div class="card">in / out<b id="rate">–</b></div>
  <div class="card">retransmissions<b id="retrans">–</b></div>
  <div class="card">reconnects<b id="reconnects">–</b></div>
</div>
<div class="chart">throughput, last 10 minutes (<span class="muted">in</span> / out)<svg id="tp" viewBox="0 0 600 90" preserveAspectRatio="none"></svg></div>
<div class="chart">RTT, last 10 minutes<svg id="rttc" viewBox="0 0 600 90" preserveAspectRatio="none"></svg></div>
<h2 style="font-size:1rem">drops by reason</h2>
<table><thead><tr><th>reason</th><th>count</th></tr></thead><tbody id="drops"></tbody></table>
<p class="muted" id="updated"></p>
<script>
  const $ = (id) => document.getElementById(id);
  const rate = (bps) => bps >= 1e6 ? (bps / 1e6).toFixed(1) + ' MB/s' : bps >= 1e3 ? (bps / 1e3).toFixed(1) + ' kB/s' : Math.round(bps) + ' B/s';
  function line(svg, series, colors) {
    const max = Math.max(1, ...series.flat().filter((v) => v !== null));
    svg.replaceChildren(...series.map((values, i) => {
      const p = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      const n = Math.max(1, values.length - 1);
      p.setAttribute('points', values.map((v, x) => (x * 600 / n).toFixed(1) + ',' + (88 - (v ?? 0) * 86 / max).toFixed(1)).join(' '));
      p.setAttribute('fill', 'none'); p.setAttribute('stroke', colors[i]); p.setAttribute('stroke-width', '2');
      return p;
    }));
  }
  async function refresh() {
    try {
      const r = await fetch('status.json', { cache: 'no-store' });
      const { now, history } = await r.json();
      $('role').textContent = now.role;
      $('state').textContent = now.up ? 'up' : 'down';
      $('state').className = 'state ' + (now.up ? 'up' : 'down');
      $('sessions').textContent = now.sessions;
      $('streams').textContent = now.streams;
      $('rtt').textContent = now.rttMs === null ? '–' : now.rttMs + ' ms';
      const last = history[history.length - 1];
      $('rate').textContent = last ? rate(last.inBps) + ' / ' + rate(last.outBps) : '–';
      $('retrans').textContent = now.retransmissions;
      $('reconnects').textContent = now.reconnects;
      line($('tp'), [history.map((h) => h.inBps), history.map((h) => h.outBps)], ['#8c959f', '#0969da']);
      line($('rttc'), [history.map((h) => h.rttMs)], ['#bf8700']);
      const rows = Object.entries(now.drops).sort((a, b) => b[1] - a[1]);
      $('drops').replaceChildren(...(rows.length ? rows : [['none', 0]]).map(([reason, n]) => {
        const tr = document.createElement('tr');
        for (const v of [reason, n]) { const td = document.createElement('td'); td.textContent = String(v); tr.append(td); }
        return tr;
      }));
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      $('state').textContent = 'unreachable'; $('state').className = 'state down';
    }
  }
  refresh();
  setInterval(refresh, 2000);
</script>
</body>
</html>
`;
