import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

interface ListedItem {
  id: string;
  label?: string;
  hasThumbnail: boolean;
}

interface SearchResult {
  id: string;
  score: number;
  label?: string;
}

interface VersionInfo {
  id: string;
  createdAt: string;
  step: number;
  metrics?: Record<string, number>;
  status?: string;
  reason?: string;
}

interface ModelDescription {
  current: VersionInfo | null;
  publishedAt: string | null;
  history: VersionInfo[];
  rejected?: VersionInfo[];
}

/** The query of the neighbours shown: an item of the catalog, or an uploaded image. */
type Query = { kind: 'item'; id: string } | { kind: 'image'; name: string; base64: string };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const keyInput = $<HTMLInputElement>('api-key');
keyInput.value = localStorage.getItem('discern.apiKey') ?? '';
keyInput.addEventListener('change', () => localStorage.setItem('discern.apiKey', keyInput.value));

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (keyInput.value) headers.set('x-api-key', keyInput.value);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  const text = await response.text();
  const body = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } })?.error?.message ?? `${response.status} ${response.statusText}`;
    throw new Error(message);
  }
  return body as T;
}

function thumbnail(id: string, alt: string, lazy = false): HTMLImageElement {
  const img = document.createElement('img');
  img.src = `/v1/items/${encodeURIComponent(id)}/thumbnail`;
  img.alt = alt;
  if (lazy) img.loading = 'lazy';
  img.width = 64;
  img.height = 64;
  return img;
}

// ---- catalog grid -------------------------------------------------------------------------

const grid = $<HTMLUListElement>('catalog-grid');
const moreButton = $<HTMLButtonElement>('more-items');
let nextCursor: string | undefined;
let labelFilter = '';

async function loadItems(reset: boolean): Promise<void> {
  if (reset) {
    grid.replaceChildren();
    nextCursor = undefined;
  }
  const params = new URLSearchParams({ limit: '48' });
  if (nextCursor) params.set('cursor', nextCursor);
  if (labelFilter) params.set('label', labelFilter);
  const page = await api<{ items: ListedItem[]; next?: string }>(`/v1/items?${params}`);
  for (const item of page.items) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.itemId = item.id;
    button.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-label', `Search like ${item.id}${item.label ? ` (${item.label})` : ''}`);
    if (item.hasThumbnail) button.append(thumbnail(item.id, '', true));
    const caption = document.createElement('span');
    caption.textContent = item.label ?? item.id;
    button.append(caption);
    button.addEventListener('click', () => void search({ kind: 'item', id: item.id }));
    li.append(button);
    grid.append(li);
  }
  nextCursor = page.next;
  moreButton.hidden = nextCursor === undefined;
  if (reset && page.items.length === 0) grid.textContent = 'No items are live yet.';
}

moreButton.addEventListener('click', () => void loadItems(false));
$<HTMLFormElement>('filter-form').addEventListener('submit', (event) => {
  event.preventDefault();
  labelFilter = $<HTMLInputElement>('label-filter').value.trim();
  void loadItems(true);
});

$<HTMLInputElement>('upload').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  await search({ kind: 'image', name: file.name, base64: btoa(binary) });
});

// ---- search and feedback ------------------------------------------------------------------

const resultsList = $<HTMLOListElement>('results');
const querySummary = $<HTMLParagraphElement>('query-summary');
const feedbackStatus = $<HTMLParagraphElement>('feedback-status');
let currentQuery: Query | undefined;

async function search(query: Query): Promise<void> {
  currentQuery = query;
  for (const button of Array.from(grid.querySelectorAll('button'))) button.setAttribute('aria-pressed', String(query.kind === 'item' && button.dataset.itemId === query.id));
  querySummary.textContent = 'Searching…';
  const body = query.kind === 'item' ? { itemId: query.id, k: 11 } : { image: query.base64, k: 10 };
  try {
    const answer = await api<{ modelVersion: string; results: SearchResult[] }>('/v1/search', { method: 'POST', body: JSON.stringify(body) });
    const results = answer.results.filter((r) => query.kind !== 'item' || r.id !== query.id).slice(0, 10);
    querySummary.textContent = `${results.length} neighbours of ${query.kind === 'item' ? query.id : query.name}, model ${answer.modelVersion}`;
    querySummary.dataset.modelVersion = answer.modelVersion;
    renderResults(results, query);
  } catch (error) {
    querySummary.textContent = `Search failed: ${(error as Error).message}`;
  }
}

function renderResults(results: SearchResult[], query: Query): void {
  resultsList.replaceChildren();
  for (const [rank, result] of results.entries()) {
    const li = document.createElement('li');
    li.dataset.itemId = result.id;
    li.append(thumbnail(result.id, `${result.id}${result.label ? `, ${result.label}` : ''}`));
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `#${rank + 1} ${result.id} · ${result.label ?? 'no label'} · score ${result.score.toFixed(3)}`;
    li.append(meta);
    const actions = document.createElement('div');
    actions.className = 'actions';
    for (const similar of [true, false]) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = similar ? 'Similar' : 'Not similar';
      button.dataset.feedback = similar ? 'similar' : 'not-similar';
      button.setAttribute('aria-label', `${similar ? 'Similar' : 'Not similar'}: ${result.id}`);
      if (query.kind !== 'item') {
        button.disabled = true;
        button.title = 'Feedback needs a catalog item as the query';
      }
      button.addEventListener('click', () => void sendFeedback(query, result.id, similar, li));
      actions.append(button);
    }
    li.append(actions);
    resultsList.append(li);
  }
}

async function sendFeedback(query: Query, resultId: string, similar: boolean, row: HTMLElement): Promise<void> {
  if (query.kind !== 'item') return;
  feedbackStatus.classList.remove('error');
  try {
    const answer = await api<{ accepted: number }>('/v1/feedback', {
      method: 'POST',
      body: JSON.stringify({ events: [{ type: 'pair', a: query.id, b: resultId, similar, source: 'console' }] }),
    });
    row.classList.toggle('marked-similar', similar);
    row.classList.toggle('marked-dissimilar', !similar);
    feedbackStatus.textContent = `Accepted ${answer.accepted}: ${resultId} is ${similar ? '' : 'not '}similar to ${query.id}. The next model version learns from it.`;
  } catch (error) {
    feedbackStatus.classList.add('error');
    feedbackStatus.textContent = `Feedback not accepted: ${(error as Error).message}`;
  }
}

// ---- live model panel ---------------------------------------------------------------------

const versionsChart = new Chart<'line', (number | null)[], string>($<HTMLCanvasElement>('versions-chart'), {
  type: 'line',
  data: { labels: [], datasets: [] },
  options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } },
});
const trainingChart = new Chart<'line', (number | null)[], string>($<HTMLCanvasElement>('training-chart'), {
  type: 'line',
  data: {
    labels: [],
    datasets: [
      { label: 'loss', data: [], yAxisID: 'y', borderColor: '#2563eb' },
      { label: 'events/s', data: [], yAxisID: 'rate', borderColor: '#15803d' },
    ],
  },
  options: { animation: false, responsive: true, scales: { y: { position: 'left' }, rate: { position: 'right', beginAtZero: true } } },
});
const PALETTE = ['#2563eb', '#15803d', '#b45309', '#7c3aed', '#be123c', '#0e7490'];

function renderModel(model: ModelDescription): void {
  const facts = $<HTMLDListElement>('model-facts');
  facts.replaceChildren();
  const add = (term: string, value: string) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.fact = term;
    facts.append(dt, dd);
  };
  add('Live version', model.current?.id ?? 'none yet');
  add('Went live', model.publishedAt ? new Date(model.publishedAt).toLocaleString() : '—');
  add('Step', String(model.current?.step ?? '—'));
  $<HTMLParagraphElement>('live-summary').textContent = model.current ? `Live model ${model.current.id}` : 'No model published yet';
  $<HTMLParagraphElement>('live-summary').dataset.liveVersion = model.current?.id ?? '';

  const versions = [...model.history, ...(model.rejected ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics ?? {})))].filter((name) => !/class\d/.test(name)).slice(0, 6);
  versionsChart.data.labels = versions.map((v) => v.id);
  versionsChart.data.datasets = names.map((name, i) => ({ label: name, data: versions.map((v) => v.metrics?.[name] ?? null), borderColor: PALETTE[i % PALETTE.length], spanGaps: true }));
  versionsChart.update();

  const tbody = $<HTMLTableElement>('versions-table').tBodies[0];
  tbody.replaceChildren();
  for (const v of versions.reverse()) {
    const tr = document.createElement('tr');
    const status = v.status ?? (v.id === model.current?.id ? 'live' : model.rejected?.some((r) => r.id === v.id) ? 'rejected' : 'kept');
    if (status === 'rejected') tr.className = 'rejected';
    for (const text of [v.id, new Date(v.createdAt).toLocaleTimeString(), String(v.step), v.reason ? `${status}: ${v.reason}` : status]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    tbody.append(tr);
  }
}

/** Reads one series from Prometheus text: the sum over its label sets. */
function metricValue(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

let lastEvents: { at: number; count: number } | undefined;

async function refreshLive(): Promise<void> {
  try {
    renderModel(await api<ModelDescription>('/v1/model'));
  } catch (error) {
    $<HTMLParagraphElement>('live-summary').textContent = `Model unavailable: ${(error as Error).message}`;
  }
  try {
    const text = await api<string>('/metrics');
    const now = Date.now();
    const loss = metricValue(text, 'discern_trainer_loss');
    const events = metricValue(text, 'discern_trainer_events_consumed_total') ?? 0;
    const rate = lastEvents ? ((events - lastEvents.count) * 1000) / (now - lastEvents.at) : 0;
    lastEvents = { at: now, count: events };
    const lag = metricValue(text, 'discern_trainer_lag');
    const facts = $<HTMLDListElement>('model-facts');
    for (const [term, value] of [
      ['Queue lag', lag === undefined ? '—' : String(lag)],
      ['Events consumed', String(events)],
    ]) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      facts.append(dt, dd);
    }
    const labels = trainingChart.data.labels as string[];
    labels.push(new Date(now).toLocaleTimeString());
    trainingChart.data.datasets[0].data.push(loss ?? null);
    trainingChart.data.datasets[1].data.push(rate);
    if (labels.length > 120) {
      labels.shift();
      for (const d of trainingChart.data.datasets) d.data.shift();
    }
    trainingChart.update();
  } catch {
    // Metrics may be behind a key the page does not have; the rest of the panel still works.
  }
}

void loadItems(true).catch((error) => (grid.textContent = `Catalog unavailable: ${(error as Error).message}`));
void refreshLive();
setInterval(() => void refreshLive(), 3000);
