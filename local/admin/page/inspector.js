// The inspector page: reads the admin secret from the URL fragment (never sent to any server), then
// polls the admin API with it as a bearer token. Everything shown comes from the API as text nodes.

const key = new URLSearchParams(location.hash.slice(1)).get("key") ?? "";
const state = { requests: [], selected: undefined };
const $ = (id) => document.getElementById(id);

async function api(method, path) {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.json();
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function matchesFilters(request) {
  const status = $("filter-status").value;
  const principal = $("filter-principal").value.trim();
  if (status.endsWith("xx") && String(request.status)[0] !== status[0]) return false;
  if (/^\d+$/.test(status) && String(request.status) !== status) return false;
  if (principal && !(request.principalId ?? "").includes(principal)) return false;
  return true;
}

function renderRequests() {
  const rows = state.requests.filter(matchesFilters).map((request) => {
    const tr = document.createElement("tr");
    tr.dataset.requestId = request.requestId;
    if (request.requestId === state.selected) tr.className = "selected";
    tr.append(
      cell(new Date(request.time).toLocaleTimeString()),
      cell(request.method),
      cell(request.path),
      cell(String(request.status), `status status-${String(request.status)[0]}xx`),
      cell(request.principalId ?? "—", "principal"),
      cell(request.cache ?? "—", "cache"),
      cell(request.decision ?? "—", "decision"),
      cell(`${request.durationMs} ms`),
      cell(request.reason ?? "", "reason"),
    );
    tr.addEventListener("click", () => showTrace(request.requestId));
    return tr;
  });
  $("requests").tBodies[0].replaceChildren(...rows);
}

function showTrace(requestId) {
  state.selected = requestId;
  const request = state.requests.find((r) => r.requestId === requestId);
  if (!request) return;
  $("trace-section").hidden = false;
  $("trace-id").textContent = `${request.method} ${request.path} (${request.requestId})`;
  $("trace").textContent = JSON.stringify(request.trace, null, 2);
  renderRequests();
}

async function refreshCache() {
  const { entries } = await api("GET", "/api/authorizer-cache");
  const rows = entries.map((entry) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(entry.stage, "stage"),
      cell(entry.authorizer ?? entry.authorizerId),
      cell(entry.identity.join(", ")),
      cell(entry.keyDigest),
      cell(entry.principalId),
      cell(`${entry.ttlSecondsLeft} s`),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell("empty");
    td.colSpan = 6;
    tr.append(td);
    rows.push(tr);
  }
  $("cache").tBodies[0].replaceChildren(...rows);
}

async function refresh() {
  try {
    const { requests } = await api("GET", "/api/requests");
    state.requests = requests;
    renderRequests();
    await refreshCache();
    $("status").textContent =
      `${requests.length} recent requests · updated ${new Date().toLocaleTimeString()}`;
    $("status").className = "";
  } catch (error) {
    $("status").textContent = key
      ? `cannot read the admin API (${error.message}): is make start still running?`
      : "no key: open the inspector from the link make start printed (…/#key=…)";
    $("status").className = "error";
  }
}

$("filters").addEventListener("input", renderRequests);
$("filters").addEventListener("submit", (event) => event.preventDefault());
$("flush").addEventListener("click", async () => {
  try {
    const { flushed } = await api("POST", "/api/authorizer-cache/flush");
    $("flush-result").textContent = `flushed ${flushed} ${flushed === 1 ? "entry" : "entries"}`;
    await refreshCache();
  } catch (error) {
    $("flush-result").textContent = `flush failed: ${error.message}`;
  }
});

refresh();
setInterval(refresh, 1000);
