// rareearth workbench: the page's script. No library, no network beyond this server's /api.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { scenario: null, info: null, values: {}, defaults: {}, pinned: null, seq: 0, abort: null, timer: null, job: null, view: null, exercise: null };

function esc(s) { const d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

async function api(method, url, body) {
  const res = await fetch(url, { method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined, signal: body && state.abort ? state.abort.signal : undefined });
  const type = res.headers.get("Content-Type") || "";
  if (!res.ok) {
    const err = type.includes("json") ? await res.json() : { problems: [{ message: res.status + " " + res.statusText, line: res.status + " " + res.statusText }] };
    throw Object.assign(new Error("refused"), { problems: err.problems || [] });
  }
  return type.includes("json") ? res.json() : res;
}

function request(extra) {
  return Object.assign({ scenario: state.scenario, levers: state.values, pinned: state.pinned, seed: parseInt($("seed").value, 10), material: $("material").value || null }, extra || {});
}

// ---- scenario and levers ----
async function loadScenarios() {
  const list = await api("GET", "/api/scenarios");
  $("scenario").innerHTML = list.map(s => `<option value="${esc(s.id)}" title="${esc(s.description)}">${esc(s.name)} (${esc(s.id)})</option>`).join("");
  const wanted = location.hash.slice(1);
  if (list.some(s => s.id === wanted)) $("scenario").value = wanted;
  await loadScenario($("scenario").value);
}

async function loadScenario(id, values) {
  // the last scenario asked for wins: an earlier answer arriving late (the page's first load while the
  // user already picked another) must not replace its levers
  const token = state.loadToken = (state.loadToken || 0) + 1;
  state.scenario = id; state.pinned = null; showPinned();
  const info = await api("GET", "/api/scenarios/" + encodeURIComponent(id));
  if (token !== state.loadToken) return;
  state.info = info;
  $("material").innerHTML = info.materials.map(m => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join("");
  $("material").value = info.material;
  state.defaults = {}; state.values = {};
  const box = $("levers");
  box.innerHTML = "";
  info.groups.forEach((g, gi) => {
    const d = document.createElement("details");
    if (gi < 3) d.open = true;
    d.innerHTML = `<summary>${esc(g.title)}</summary>` + (g.note ? `<p class="note">${esc(g.note)}</p>` : "");
    g.levers.forEach(l => { state.defaults[l.id] = l.value; d.appendChild(leverControl(l)); });
    box.appendChild(d);
  });
  if (values) for (const k in values) setLever(k, values[k]);
  schedule(0);
}

function leverControl(l) {
  const div = document.createElement("div");
  div.className = "lever"; div.dataset.id = l.id;
  const help = l.help ? ` title="${esc(l.help)}"` : "";
  let input;
  if (l.kind === "select") {
    input = `<select data-lever="${esc(l.id)}">${l.options.map(o => `<option${o === l.value ? " selected" : ""}>${esc(o)}</option>`).join("")}</select>`;
  } else {
    input = `<input type="text" data-lever="${esc(l.id)}" value="${esc(l.value)}" ${l.kind === "month" ? 'placeholder="YYYY-MM"' : 'inputmode="decimal"'}>`;
  }
  const slider = (l.kind === "number" || l.kind === "length") && l.min != null && l.max != null && isFinite(parseFloat(l.value))
    ? `<input type="range" data-slider="${esc(l.id)}" min="${l.min}" max="${Math.max(l.max, parseFloat(l.value))}" step="${l.step || "any"}" value="${esc(l.value)}" aria-label="${esc(l.label)}">` : "";
  div.innerHTML = `<label${help}>${esc(l.label)}</label><div class="row">${slider}${input}<span class="unit">${esc(l.unit || "")}</span></div><div class="lever-error"></div>`;
  div.querySelectorAll("[data-lever]").forEach(el => el.addEventListener(el.tagName === "SELECT" ? "change" : "input", () => {
    const s = div.querySelector("[data-slider]"); if (s && isFinite(parseFloat(el.value))) s.value = el.value;
    changed(l.id, el.value);
  }));
  const s = div.querySelector("[data-slider]");
  if (s) s.addEventListener("input", () => { div.querySelector("[data-lever]").value = s.value; changed(l.id, s.value); });
  return div;
}

function setLever(id, value) {
  const el = document.querySelector(`[data-lever="${CSS.escape(id)}"]`);
  if (!el) return;
  el.value = value;
  const s = document.querySelector(`[data-slider="${CSS.escape(id)}"]`); if (s) s.value = value;
  changed(id, value, true);
}

function changed(id, value, quiet) {
  if (String(value).trim() === state.defaults[id]) delete state.values[id]; else state.values[id] = String(value);
  document.querySelector(`.lever[data-id="${CSS.escape(id)}"]`)?.classList.toggle("changed", id in state.values);
  if (!quiet) schedule(120);
}

function schedule(ms) { clearTimeout(state.timer); state.timer = setTimeout(run, ms); }

// ---- runs ----
async function run() {
  stopJob();
  state.lastJob = null;
  const seq = ++state.seq;
  if (state.abort) state.abort.abort();
  state.abort = new AbortController();
  $("status").textContent = "running…";
  $("charts").classList.add("stale");
  const t0 = performance.now();
  try {
    const view = await api("POST", "/api/run", request());
    if (seq !== state.seq) return;
    render(view);
    $("status").textContent = `one run${state.pinned ? " each of A and B" : ""} with its counterfactual: ${Math.round(view.ms)} ms on the server, ${Math.round(performance.now() - t0)} ms in all`;
    exerciseAnswer(view);
  } catch (e) {
    if (e.name === "AbortError" || seq !== state.seq) return;
    problems(e.problems || [{ message: String(e), line: String(e) }]);
    $("status").textContent = "not run: see the message";
  }
}

function problems(list) {
  clearProblems();
  const general = [];
  for (const p of list) {
    const el = p.lever ? document.querySelector(`.lever[data-id="${CSS.escape(p.lever)}"]`) : null;
    if (el) { el.classList.add("bad"); el.querySelector(".lever-error").textContent = p.message; el.closest("details").open = true; }
    general.push(p.line || p.message);
  }
  $("errors").hidden = false;
  $("errors").textContent = "error: the page's values are not a valid scenario (" + list.length + " problem" + (list.length === 1 ? "" : "s") + "):\n" + general.map(g => "  " + g).join("\n");
}

function clearProblems() {
  $("errors").hidden = true; $("errors").textContent = "";
  document.querySelectorAll(".lever.bad").forEach(el => { el.classList.remove("bad"); el.querySelector(".lever-error").textContent = ""; });
}

function render(view) {
  clearProblems();
  state.view = view;
  $("charts").classList.remove("stale");
  $("charts").dataset.material = view.material; $("charts").dataset.command = view.command; $("charts").dataset.runs = view.runs;
  $("headlines").innerHTML = view.headlines.map(h => `<li>${esc(h)}</li>`).join("");
  $("compare-box").hidden = !view.pinnedSets;
  $("compare").innerHTML = view.compare.map(h => `<li>${esc(h)}</li>`).join("");
  $("charts").innerHTML = view.charts.map(c => `<figure class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}">${c.svg}` +
    (c.why ? `<figcaption class="why">${esc(c.why)}</figcaption>` : "") + `</figure>`).join("");
  renderCosts(view);
  renderTimeline(view.timeline);
  $("command").textContent = (view.pinnedCommand ? "B: " : "") + view.command;
  $("pinned-command").hidden = !view.pinnedCommand;
  $("pinned-command").textContent = view.pinnedCommand ? "A: " + view.pinnedCommand : "";
}

function renderCosts(view) {
  const rows = view.costs;
  if (!rows.length) { $("costs").innerHTML = "<p>This scenario has no counterfactual (nothing to remove), so costs are not reported.</p>"; $("costs-why").textContent = ""; return; }
  const max = Math.max(...rows.map(r => Math.abs(Number(r.net)) || 0), 1);
  const cmp = !!view.pinnedSets;
  $("costs").innerHTML = `<table><tr><th>country</th>${cmp ? "<th>A</th>" : ""}<th>${cmp ? "B" : "net cost"}</th>${cmp ? "<th>B − A</th>" : ""}<th></th></tr>` +
    rows.map(r => `<tr><td>${esc(r.country)} ${esc(r.name)}${r.restricting ? " (restricting)" : ""}</td>${cmp ? `<td class="num">${esc(r.netAText)}</td>` : ""}` +
      `<td class="num">${esc(r.netText)}</td>${cmp ? `<td class="num">${esc(r.diffText)}</td>` : ""}` +
      `<td><span class="bar${Number(r.net) < 0 ? " gain" : ""}" style="width:${Math.round(120 * Math.abs(Number(r.net) || 0) / max)}px"></span></td></tr>`).join("") + "</table>" +
    "<p class=\"hint\">net cost = loss from shortages + paid for supplies − producers' margin, against the same world and seed without the confrontation; + is a cost, − a gain (green).</p>";
  $("costs-why").textContent = view.costsWhy || "";
}

function renderTimeline(t) {
  const pos = (m) => (100 * m / Math.max(1, t.months - 1)).toFixed(2) + "%";
  let years = "";
  const y0 = parseInt(t.start.slice(0, 4), 10), m0 = parseInt(t.start.slice(5, 7), 10) - 1;
  for (let m = (12 - m0) % 12; m < t.months; m += 12) years += `<span class="year" style="left:${pos(m)}">${y0 + Math.ceil((m0 + m) / 12)}</span>`;
  const ticks = t.events.map(e => `<span class="tick${e.confrontation ? " confrontation" : ""}" style="left:${pos(e.month)}" title="${esc(e.when + " " + e.kind + ": " + e.label)}"></span>`).join("");
  const shock = t.shock != null ? `<span class="shock" style="left:${pos(t.shock)}" title="shock"></span>` : "";
  $("timeline").innerHTML = `<div class="timeline">${ticks}${shock}${years}</div><br><table><tr><th>month</th><th>event</th><th>what</th></tr>` +
    t.events.map(e => `<tr><td>${esc(e.when)}</td><td>${esc(e.kind)}</td><td>${esc(e.label)}</td></tr>`).join("") + "</table>";
}

// ---- pin A ----
function pin() { state.pinned = Object.assign({}, state.values); showPinned(); schedule(0); }
function unpin() { state.pinned = null; showPinned(); schedule(0); }
function showPinned() {
  const on = !!state.pinned;
  $("pin").textContent = on ? "Pin again as A" : "Pin as A";
  $("unpin").hidden = !on; $("pinned").hidden = !on;
  if (on) $("pinned").textContent = "A is pinned: " + (Object.keys(state.pinned).length ? Object.entries(state.pinned).map(([k, v]) => `${k} = ${v}`).join(", ") : "the scenario as shipped") + ". Change levers to make B.";
}

// ---- with uncertainty ----
async function uncertainty() {
  stopJob();
  state.abort = null;
  try {
    const runs = parseInt($("runs").value, 10);
    const job = await api("POST", "/api/jobs", request({ runs: isNaN(runs) ? null : runs }));
    state.job = job.id;
    $("progress").hidden = false; $("cancel").hidden = false; $("progress").value = 0;
    poll(job.id);
  } catch (e) { problems(e.problems || []); }
}

async function poll(id) {
  if (state.job !== id) return;
  const s = await api("GET", "/api/jobs/" + id);
  $("progress").max = s.total; $("progress").value = s.done;
  $("status").textContent = `with uncertainty: ${s.done} of ${s.total} runs` + (state.pinned ? " (each of A and B, same seeds)" : "");
  if (s.state === "running") { setTimeout(() => poll(id), 250); return; }
  $("progress").hidden = true; $("cancel").hidden = true;
  if (s.state === "done") {
    const view = await api("GET", `/api/jobs/${id}/result`);
    state.lastJob = id; state.job = null;
    render(view);
    $("status").textContent = `${view.runs} runs on seeds ${view.seed}-${view.seed + view.runs - 1}: medians, 25-75% and 5-95% bands (${(view.ms / 1000).toFixed(1)} s)`;
  } else {
    $("status").textContent = s.state === "cancelled" ? "cancelled: showing the single run" : "the runs failed: " + (s.error || "");
    state.job = null;
  }
}

function stopJob() {
  if (state.job) { api("DELETE", "/api/jobs/" + state.job).catch(() => {}); }
  state.job = null; $("progress").hidden = true; $("cancel").hidden = true;
}

// ---- take it away ----
function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function save() {
  state.abort = null;
  try {
    const s = await api("POST", "/api/save", request());
    download(s.fileName, new Blob([s.yaml], { type: "application/yaml" }));
    $("command").textContent = s.command;
  } catch (e) { problems(e.problems || []); }
}

async function report() {
  state.abort = null;
  try {
    const res = await api("POST", "/api/report" + (state.view && state.view.runs > 1 && state.lastJob ? "?job=" + state.lastJob : ""), request());
    download(state.scenario + "-report.html", await res.blob());
  } catch (e) { problems(e.problems || []); }
}

// ---- student mode ----
async function loadExercises() {
  const list = await api("GET", "/api/exercises");
  $("exercises").innerHTML = list.map(x => `<div class="exercise" data-exercise="${esc(x.id)}"><b>${esc(x.title)}</b> <span class="hint">(${esc(x.scenario)})</span>` +
    `<p>${esc(x.question)}</p><label>Your prediction <input type="text" class="prediction" size="6"> ${esc(x.unit)}</label> ` +
    `<button type="button" class="go">Run it</button><p class="answer"></p><p class="hint after" hidden>${esc(x.afterwards)}</p></div>`).join("");
  list.forEach(x => {
    const box = document.querySelector(`[data-exercise="${CSS.escape(x.id)}"]`);
    box.querySelector(".go").addEventListener("click", async () => {
      const guess = box.querySelector(".prediction").value.trim();
      if (!guess) { box.querySelector(".answer").textContent = "Write your prediction first."; return; }
      state.exercise = { x, box, guess };
      $("scenario").value = x.scenario;
      await loadScenario(x.scenario, x.levers);
      $("material").value = x.material;
    });
  });
}

function exerciseAnswer(view) {
  const ex = state.exercise;
  if (!ex || view.scenario !== ex.x.scenario) return;
  const v = view.outcomes[ex.x.outcome];
  const shown = v == null ? "not reported in this run" : (typeof v === "number" ? (Math.round(v * 10) / 10) + " " + ex.x.unit : "never within the horizon");
  ex.box.querySelector(".answer").textContent = `You predicted ${ex.guess} ${ex.x.unit}; the model says ${shown}. Read why next to each chart below.`;
  ex.box.querySelector(".after").hidden = false;
  state.exercise = null;
}

// ---- wiring ----
$("scenario").addEventListener("change", () => { location.hash = $("scenario").value; loadScenario($("scenario").value); });
$("material").addEventListener("change", () => schedule(0));
$("seed").addEventListener("input", () => schedule(200));
$("student").addEventListener("change", () => { document.body.classList.toggle("student", $("student").checked); $("student-panel").hidden = !$("student").checked; });
$("reset").addEventListener("click", () => loadScenario(state.scenario));
$("pin").addEventListener("click", pin);
$("unpin").addEventListener("click", unpin);
$("uncertainty").addEventListener("click", uncertainty);
$("cancel").addEventListener("click", () => { const id = state.job; stopJob(); $("status").textContent = "cancelled"; if (id) state.job = null; });
$("save").addEventListener("click", save);
$("report").addEventListener("click", report);
loadScenarios().catch(e => problems(e.problems || [{ message: String(e), line: String(e) }]));
loadExercises().catch(() => {});
