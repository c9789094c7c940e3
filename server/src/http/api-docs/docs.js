// The API reference page: renders /api/openapi.json (no framework, no inline code: the app's CSP).
const main = document.getElementById('operations');
const filter = document.getElementById('filter');

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

/** Resolve a local `$ref` of the document (components), once. */
function resolve(doc, schema) {
  if (schema && typeof schema === 'object' && typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
    return (
      schema.$ref
        .slice(2)
        .split('/')
        .reduce((o, k) => o?.[k], doc) ?? schema
    );
  }
  return schema;
}

function schemaBlock(doc, title, schema) {
  return [el('h3', {}, title), el('pre', {}, JSON.stringify(resolve(doc, schema), null, 2))];
}

function operationView(doc, path, method, op) {
  const body = el('div', { class: 'body' });
  if (op.description) body.append(el('p', {}, op.description));
  const params = op.parameters ?? [];
  if (params.length)
    body.append(
      ...schemaBlock(
        doc,
        'Parameters',
        params.map((p) => ({ in: p.in, name: p.name, required: p.required ?? false, schema: p.schema })),
      ),
    );
  const requestSchema = op.requestBody?.content?.['application/json']?.schema;
  if (requestSchema) body.append(...schemaBlock(doc, 'Request body (JSON)', requestSchema));
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    for (const [type, media] of Object.entries(response.content ?? {}))
      body.append(...schemaBlock(doc, `${status} ${type}`, media.schema ?? {}));
  }
  const item = el(
    'details',
    { 'data-text': `${method} ${path} ${(op.tags ?? []).join(' ')} ${op.summary ?? ''}`.toLowerCase() },
    el(
      'summary',
      {},
      el('span', { class: `method ${method}` }, method.toUpperCase()),
      el('span', { class: 'path' }, path),
      el('span', { class: 'summary' }, op.summary ?? ''),
    ),
    body,
  );
  return item;
}

async function render() {
  try {
    const response = await fetch('/api/openapi.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const doc = await response.json();
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        const tag = op.tags?.[0] ?? 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operationView(doc, path, method, op));
      }
    }
    main.replaceChildren();
    for (const [tag, views] of byTag) main.append(el('section', {}, el('h2', {}, tag), ...views));
  } catch (error) {
    main.replaceChildren(
      el('p', { class: 'error' }, `无法加载 Could not load /api/openapi.json (${error.message}). `),
      el('button', { id: 'retry' }, '重试 Retry'),
    );
    document.getElementById('retry').addEventListener('click', render);
  }
}

filter.addEventListener('input', () => {
  const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const item of main.querySelectorAll('details')) {
    item.hidden = !words.every((w) => item.dataset.text.includes(w));
  }
});

void render(); // render() shows its own failure (and a retry) on the page
