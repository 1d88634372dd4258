/// The status page at `/`: one self-contained HTML document (its CSS and script inline, no
/// external asset, so it works offline on a phone next to the gateway). It carries no data: its
/// script polls `GET /api/status` every 2 s and `GET /api/history` every 10 s and draws from them.
/// Where the API has a token, the first 401 shows a login form; the token is kept in the page's
/// `sessionStorage` and sent as a bearer token, so the data is never shown without it.
///
/// The rendered DOM is what the headless-Chromium test reads: every device row has
/// `data-device="<id>"`, and the chart's `<svg id="chart">` has `data-points` (samples drawn).
enum StatusPage {
    static let contentType = "text/html; charset=utf-8"

    static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>busbar</title>
        <style>
        :root { --grid:#5b6ee1; --pv:#e0a100; --ess:#2e9d5b; --ev:#c2456b; --fg:#1d2228; --muted:#68707a;
          --bg:#f4f5f7; --card:#fff; --line:#dde1e6; --bad:#c62828; --good:#2e7d32; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
        header { display:flex; flex-wrap:wrap; gap:.5em 1.5em; align-items:baseline; padding:.8em 1em; background:#1d2228; color:#fff; }
        header h1 { font-size:1.2em; margin:0; }
        header span { color:#b8c0c8; }
        main { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap:1em; padding:1em; }
        section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8em 1em; overflow-x:auto; }
        section.wide { grid-column:1 / -1; }
        h2 { font-size:1em; margin:0 0 .6em; color:var(--muted); text-transform:uppercase; letter-spacing:.05em; }
        table { border-collapse:collapse; width:100%; }
        th, td { text-align:left; padding:.3em .5em; border-bottom:1px solid var(--line); vertical-align:top; white-space:nowrap; }
        th { color:var(--muted); font-weight:600; }
        td.num { text-align:right; font-variant-numeric:tabular-nums; }
        .dot { display:inline-block; width:.7em; height:.7em; border-radius:50%; margin-right:.4em; background:var(--bad); }
        .dot.on { background:var(--good); }
        .empty { color:var(--muted); font-style:italic; }
        .kv { color:var(--muted); margin-right:.8em; }
        .kv b { color:var(--fg); font-weight:600; }
        svg text { font:12px system-ui, sans-serif; fill:var(--fg); }
        #flows { width:100%; max-width:520px; display:block; margin:auto; }
        #flows .node rect { fill:#fff; stroke:var(--line); stroke-width:2; }
        #flows .link { stroke-width:4; fill:none; stroke-dasharray:8 6; }
        #flows .link.forward { animation:flow 1s linear infinite; }
        #flows .link.backward { animation:flow 1s linear infinite reverse; }
        #flows .link.idle { stroke:var(--line) !important; stroke-dasharray:none; }
        @keyframes flow { to { stroke-dashoffset:-14; } }
        #chart { width:100%; height:260px; display:block; }
        #chart .axis { stroke:var(--line); }
        #chart .zero { stroke:var(--muted); stroke-dasharray:3 3; }
        #chart polyline { fill:none; stroke-width:2; }
        .legend span { margin-right:1em; }
        .legend i { display:inline-block; width:1em; height:.3em; vertical-align:middle; margin-right:.3em; }
        #login { max-width:360px; margin:3em auto; }
        #login input { width:100%; padding:.5em; margin:.5em 0; font:inherit; }
        #login button { padding:.5em 1em; font:inherit; }
        #error { color:var(--bad); }
        [hidden] { display:none !important; }
        </style>
        </head>
        <body>
        <header><h1 id="site">busbar</h1><span id="stamp">connecting…</span><span id="summary"></span><span id="error"></span></header>
        <section id="login" hidden>
          <h2>Sign in</h2>
          <form id="login-form">
            <label for="token">This gateway's API needs its bearer token.</label>
            <input id="token" type="password" autocomplete="current-password" required>
            <button type="submit">Show the status</button>
          </form>
        </section>
        <main id="status" hidden>
          <section><h2>Site</h2><svg id="flows" viewBox="0 0 520 330" role="img" aria-label="power flows"></svg><div id="soc"></div></section>
          <section><h2>Modes in force</h2><div id="modes"></div><h2 style="margin-top:1em">Commands that lost</h2><div id="lost"></div></section>
          <section class="wide"><h2>Devices</h2><div id="devices"></div></section>
          <section><h2>Schedules</h2><div id="schedules"></div></section>
          <section class="wide"><h2>Last hour</h2>
            <div class="legend"><span><i style="background:var(--grid)"></i>grid (+ import)</span><span><i style="background:var(--pv)"></i>PV</span><span><i style="background:var(--ess)"></i>ESS (+ discharge)</span><span><i style="background:var(--ev)"></i>EV</span></div>
            <svg id="chart" viewBox="0 0 800 260" preserveAspectRatio="none" data-points="0" role="img" aria-label="power over the last hour"></svg>
          </section>
        </main>
        <script>
        "use strict";
        const SERIES = [["grid", "var(--grid)"], ["pv", "var(--pv)"], ["ess", "var(--ess)"], ["ev", "var(--ev)"]];
        const NS = "http://www.w3.org/2000/svg";
        const $ = (id) => document.getElementById(id);
        function el(tag, attributes, ...children) {
          const node = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
          for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
          for (const child of children) node.append(child instanceof Node ? child : String(child));
          return node;
        }
        function watts(value) {
          if (value === undefined || value === null) return "–";
          return Math.abs(value) >= 1000 ? (value / 1000).toFixed(2) + " kW" : Math.round(value) + " W";
        }
        function seconds(value) {
          if (value === undefined || value === null) return "–";
          if (value < 120) return Math.round(value) + " s";
          if (value < 7200) return Math.round(value / 60) + " min";
          return (value / 3600).toFixed(1) + " h";
        }
        function table(titles, rows, attributes) {
          if (!rows.length) return el("p", {class: "empty"}, "none");
          const head = el("tr", {}, ...titles.map((title) => el("th", {}, title)));
          return el("table", {}, el("thead", {}, head),
            el("tbody", {}, ...rows.map((cells, index) => el("tr", attributes ? attributes(index) : {}, ...cells.map((cell) =>
              cell instanceof Node ? el("td", {}, cell) : el("td", typeof cell === "number" ? {class: "num"} : {}, cell))))));
        }
        function parameters(entry) {
          return Object.entries(entry.parameters || {}).map(([key, value]) => key + " " + value).join(", ");
        }

        let lastHistory = 0;
        let token = sessionStorage.getItem("busbar.token");
        class Unauthorized extends Error {}
        async function get(path) {
          const headers = token ? {Authorization: "Bearer " + token} : {};
          const response = await fetch(path, {headers, cache: "no-store"});
          if (response.status === 401) throw new Unauthorized();
          if (!response.ok) throw new Error(path + ": HTTP " + response.status);
          return response.json();
        }
        function showLogin() {
          lastHistory = 0;
          $("status").hidden = true;
          $("login").hidden = false;
          $("stamp").textContent = token ? "the token was refused" : "sign in to see the status";
        }
        $("login-form").addEventListener("submit", (event) => {
          event.preventDefault();
          token = $("token").value;
          sessionStorage.setItem("busbar.token", token);
          $("login").hidden = true;
          loop();
        });

        function drawFlows(flows, soc) {
          const svg = $("flows");
          svg.replaceChildren();
          const center = [260, 165];
          // name, label, position, its value (W), and the sign in which power flows into the site
          const nodes = [
            ["grid", "Grid", [260, 35], flows.grid, 1],
            ["pv", "PV", [75, 165], flows.pv, 1],
            ["ess", "Batteries", [445, 165], flows.ess, 1],
            ["ev", "Chargepoints", [260, 295], flows.ev, -1],
          ];
          for (const [name, , [x, y], value, sign] of nodes) {
            const direction = value === undefined || value === null || Math.abs(value) < 1 ? "idle"
              : value * sign > 0 ? "forward" : "backward";
            svg.append(el("svg:path", {class: "link " + direction, d: `M${x},${y} L${center[0]},${center[1]}`,
              stroke: `var(--${name})`, "data-flow": name}));
          }
          svg.append(el("svg:circle", {cx: center[0], cy: center[1], r: 34, fill: "#1d2228"}));
          svg.append(el("svg:text", {x: center[0], y: center[1] + 4, "text-anchor": "middle", style: "fill:#fff"}, "site"));
          for (const [name, label, [x, y], value] of nodes) {
            const group = el("svg:g", {class: "node", "data-node": name});
            group.append(el("svg:rect", {x: x - 62, y: y - 24, width: 124, height: 48, rx: 8, style: `stroke:var(--${name})`}));
            group.append(el("svg:text", {x, y: y - 5, "text-anchor": "middle"}, label));
            group.append(el("svg:text", {x, y: y + 13, "text-anchor": "middle", "font-weight": "bold"}, watts(value)));
            svg.append(group);
          }
          $("soc").replaceChildren(el("span", {class: "kv"}, "battery SoC ", el("b", {}, soc === undefined ? "–" : soc.toFixed(1) + " %")));
        }

        const TELEMETRY = [["active_power", "P", watts], ["soc", "SoC", (v) => v.toFixed(1) + " %"],
          ["current_limit", "limit", (v) => v + " A"], ["plugged", "plugged", (v) => v ? "yes" : "no"],
          ["phases", "phases", String], ["allowed_charge_power", "charge ≤", watts],
          ["allowed_discharge_power", "discharge ≤", watts], ["energy", "energy", (v) => (v / 1000).toFixed(1) + " kWh"]];
        function telemetry(values) {
          const shown = TELEMETRY.filter(([key]) => values[key] !== undefined);
          if (!shown.length) return el("span", {class: "empty"}, "no data");
          return el("span", {}, ...shown.map(([key, label, format]) => el("span", {class: "kv"}, label + " ", el("b", {}, format(values[key])))));
        }

        function drawStatus(status) {
          $("site").textContent = status.site;
          $("stamp").textContent = new Date(status.timestamp).toLocaleTimeString();
          $("summary").textContent = `${status.devicesOnline}/${status.devices.length} devices online` +
            (status.controlRunning ? "" : " · control not running yet") +
            (status.push ? ` · push: ${status.push.consecutiveFailures ? status.push.consecutiveFailures + " failures" : "ok"}` : "");
          drawFlows(status.flows || {}, status.essSoc);
          $("devices").replaceChildren(table(["device", "kind", "online", "last read", "telemetry"],
            status.devices.map((device) => [
              device.id, device.kind,
              el("span", {}, el("span", {class: "dot" + (device.online ? " on" : "")}), device.online ? "online" : "offline"),
              device.ageSeconds === undefined ? "never" : seconds(device.ageSeconds) + " ago",
              telemetry(device.telemetry || {})]),
            (index) => ({"data-device": status.devices[index].id})));
          const modes = Object.values(status.activeCommands || {}).flat()
            .sort((a, b) => a.target.localeCompare(b.target) || (b.priority ?? -1) - (a.priority ?? -1));
          $("modes").replaceChildren(table(["target", "mode", "source", "priority", "time left"],
            modes.map((mode) => [mode.target, mode.mode + (parameters(mode) ? " (" + parameters(mode) + ")" : "") +
              (mode.clampedTo !== undefined ? " → " + watts(mode.clampedTo) : ""),
              mode.source, mode.priority ?? "–", mode.secondsLeft === undefined ? "until replaced" : seconds(mode.secondsLeft)])));
          $("lost").replaceChildren(table(["source", "target", "mode", "where", "why"],
            (status.lostCommands || []).map((lost) => [lost.source, lost.target, lost.mode, lost.scope, lost.reason])));
          const slot = (entry, word) => entry ? `${entry.mode}${parameters(entry) ? " (" + parameters(entry) + ")" : ""}, ${word} ${seconds(entry.secondsLeft)}` : "–";
          $("schedules").replaceChildren(table(["target", "source", "now", "next"],
            (status.schedules || []).map((entry) => [entry.target, entry.source, slot(entry.current, "ends in"), slot(entry.next, "starts in")])));
        }

        function drawChart(samples) {
          const svg = $("chart");
          svg.replaceChildren();
          const [width, height, left, bottom] = [800, 260, 48, 18];
          const now = samples.length ? Date.parse(samples[samples.length - 1].time) : Date.now();
          const start = now - 3600 * 1000;
          const values = samples.flatMap((sample) => SERIES.map(([key]) => sample[key]).filter((v) => v !== undefined && v !== null));
          const top = Math.max(1000, ...values), low = Math.min(0, ...values);
          const x = (time) => left + (width - left) * (time - start) / (now - start);
          const y = (value) => (height - bottom) * (top - value) / (top - low);
          svg.append(el("svg:line", {class: "axis", x1: left, x2: left, y1: 0, y2: height - bottom}));
          svg.append(el("svg:line", {class: "zero", x1: left, x2: width, y1: y(0), y2: y(0)}));
          for (const value of [top, low].filter((v, i, all) => all.indexOf(v) === i && v !== 0).concat([0])) {
            svg.append(el("svg:text", {x: 2, y: Math.min(height - bottom, Math.max(12, y(value) + 4))}, watts(value)));
          }
          for (const minutes of [60, 45, 30, 15, 0]) {
            svg.append(el("svg:text", {x: Math.min(width - 30, x(now - minutes * 60000) - 10), y: height - 3}, minutes ? "−" + minutes + " min" : "now"));
          }
          let drawn = 0;
          for (const [key, color] of SERIES) {
            const points = samples.filter((sample) => sample[key] !== undefined && sample[key] !== null)
              .map((sample) => x(Date.parse(sample.time)).toFixed(1) + "," + y(sample[key]).toFixed(1));
            drawn = Math.max(drawn, points.length);
            svg.append(el("svg:polyline", {points: points.join(" "), stroke: color, "data-series": key, "data-points": points.length}));
          }
          svg.setAttribute("data-points", drawn);
        }

        async function refresh() {
          try {
            const status = await get("/api/status");
            $("login").hidden = true;
            $("status").hidden = false;
            $("error").textContent = "";
            drawStatus(status);
            if (Date.now() - lastHistory > 10000) {
              lastHistory = Date.now();
              drawChart(await get("/api/history").catch((error) => {
                if (error instanceof Unauthorized) throw error;
                return [];
              }));
            }
          } catch (error) {
            if (error instanceof Unauthorized) { showLogin(); return false; }
            $("error").textContent = "cannot reach the gateway: " + error.message;
          }
          return true;
        }
        async function loop() {
          if (await refresh()) setTimeout(loop, 2000);
        }
        loop();
        </script>
        </body>
        </html>
        """#
}
