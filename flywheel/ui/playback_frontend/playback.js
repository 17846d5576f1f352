// Watch it turn, in the browser: flywheel/ui/playback.py sends the whole run once; this page
// moves the playhead by itself (Streamlit's component protocol, no build step needed) and
// reports the week to the server only when playback starts or stops.
"use strict";

const PLAY_ICON = '<svg viewBox="0 0 24 24"><path d="M8 5v14l11-7z"/></svg>';
const PAUSE_ICON = '<svg viewBox="0 0 24 24"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>';
const state = {
  data: null, digest: null, views: [], week: 0, argsWeek: null, playing: false,
  frames: 0, timer: null, started: false, building: null,
};

function post(type, fields) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type }, fields), "*");
}

function report() {
  post("streamlit:setComponentValue", {
    value: { week: state.week, playing: state.playing, at: Date.now() },
    dataType: "json",
  });
}

function resize() {
  post("streamlit:setFrameHeight", { height: Math.ceil(document.body.scrollHeight) + 4 });
}

function signed(value) {  // flywheel.plots.diagram.signed with two decimals
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return "0.00";
  return (rounded > 0 ? "+" : "") + rounded.toFixed(2);
}

function rows(columns) {
  const names = Object.keys(columns);
  const count = columns[names[0]].length;
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const row = {};
    for (const name of names) row[name] = columns[name][i];
    out[i] = row;
  }
  return out;
}

// Charts scrolled out of sight skip frames (the browser would paint them for nothing); each
// catches up with the playhead as it comes into sight.
const inSight = new Set();
const sight = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const index = Number(entry.target.dataset.index);
    if (!entry.isIntersecting) {
      inSight.delete(index);
      continue;
    }
    inSight.add(index);
    const view = state.views[index];
    if (view && state.data) view.signal("playhead", state.data.week_ms[state.week]).runAsync();
  }
});

async function build(data) {
  state.views.forEach((view) => view.finalize());
  state.views = [];
  document.getElementById("diagram").innerHTML = data.diagram;
  const panels = document.getElementById("panels");
  panels.innerHTML = "";
  const targets = [document.getElementById("gains")];
  for (let i = 1; i < data.charts.length; i++) {
    const div = document.createElement("div");
    div.className = "chart";
    panels.appendChild(div);
    targets.push(div);
  }
  sight.disconnect();
  inSight.clear();
  targets.forEach((target, i) => {
    target.dataset.index = String(i);
    sight.observe(target);
  });
  state.views = await Promise.all(data.charts.map((chart, i) => {
    const spec = Object.assign({}, chart.spec, {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { values: rows(chart.columns) },
      width: "container",
      autosize: { type: "fit-x", contains: "padding" },
    });
    return vegaEmbed(targets[i], spec, { actions: false, renderer: "svg" })
      .then((result) => result.view);
  }));
}

async function show(week) {
  const data = state.data;
  state.week = Math.max(0, Math.min(week, data.weeks - 1));
  const at = state.week;
  const shown = state.views.filter((view, i) => inSight.has(i));
  for (const view of shown) view.signal("playhead", data.week_ms[at]);
  const drawn = Promise.all(shown.map((view) => view.runAsync()));
  for (const path of document.querySelectorAll("#diagram path[data-loop]")) {
    if (path.dataset.cut === "1") continue;
    const gain = data.gains[path.dataset.loop][at];
    const strength = data.scale > 0 ? Math.min(Math.abs(gain) / data.scale, 1) : 0;
    path.setAttribute("stroke-width", (1 + (data.max_pen_width - 1) * strength).toFixed(2));
  }
  for (const label of document.querySelectorAll("#diagram text[data-label]")) {
    const loop = label.dataset.label;
    if (!label.textContent.endsWith("cut")) {
      label.textContent = `${loop} ${signed(data.gains[loop][at])}`;
    }
  }
  document.getElementById("headline").innerHTML = data.headlines[at];
  const last = data.weeks - 1;
  document.getElementById("position").textContent = `Week ${at} of ${last}`;
  document.querySelector("#bar div").style.width = `${last > 0 ? (100 * at) / last : 100}%`;
  await drawn;
  state.frames += 1;
  document.body.dataset.week = String(at);
  document.body.dataset.frames = String(state.frames);
}

function drawButton() {
  const button = document.getElementById("play");
  const label = state.playing ? "Pause" : "Play";
  button.innerHTML = `${state.playing ? PAUSE_ICON : PLAY_ICON}<span>${label}</span>`;
  button.setAttribute("aria-label", label);
  button.disabled = state.data.weeks < 2;
  document.body.dataset.playing = state.playing ? "1" : "0";
}

async function tick() {
  if (!state.playing) return;
  const began = performance.now();
  const last = state.data.weeks - 1;
  try {
    await show(Math.min(state.week + state.data.step_weeks, last));
  } catch (error) {  // charts rebuilt under it (new data from a rerun): play on
    console.warn("playback frame:", error);
  }
  if (!state.playing) return;
  if (state.week >= last) {
    pause();
    return;
  }
  state.timer = setTimeout(tick, Math.max(0, state.data.frame_ms - (performance.now() - began)));
}

function play(tellServer = true) {
  if (state.playing) return;
  state.playing = true;
  if (state.week >= state.data.weeks - 1) state.week = 0;  // at the end: from the start
  drawButton();
  if (tellServer) report();
  state.timer = setTimeout(tick, 0);
}

function pause() {
  state.playing = false;
  clearTimeout(state.timer);
  for (const view of state.views) {  // the charts out of sight too: all at the paused week
    view.signal("playhead", state.data.week_ms[state.week]).runAsync();
  }
  drawButton();
  report();
}

async function render(args) {
  const data = args.payload;
  if (data.digest !== state.digest) {
    state.digest = data.digest;
    state.data = data;
    await build(data);
    await show(state.argsWeek === null ? args.week : state.week);
  }
  if (args.week !== state.argsWeek) {  // the server's slider moved (or the first render)
    state.argsWeek = args.week;
    await show(args.week);
  }
  drawButton();
  if (!state.started) {
    state.started = true;
    if (args.playing) play(false);  // back on the tab while it was playing: play on
  }
  resize();
}

window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "streamlit:render") {
    // one render at a time, in order (a build takes a moment; reruns may come meanwhile)
    const theme = event.data.theme;  // Streamlit's theme: the page's text in its colour
    if (theme && theme.textColor) document.body.style.color = theme.textColor;
    state.building = (state.building || Promise.resolve())
      .then(() => render(event.data.args))
      .catch((error) => {
        document.getElementById("headline").textContent = `Playback failed: ${error}`;
        resize();
      });
  }
});
document.getElementById("play").addEventListener("click", () => {
  if (!state.data) return;
  if (state.playing) pause(); else play();
});
window.playback = state;  // for the browser tests and bench/app_play.py
new ResizeObserver(resize).observe(document.body);
post("streamlit:componentReady", { apiVersion: 1 });
