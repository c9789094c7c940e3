/**
 * Reads a V8 `.heapsnapshot` (the JSON Node writes on `--heapsnapshot-signal` or
 * `v8.writeHeapSnapshot`) and answers "what holds the memory": retained size per object (the
 * dominator tree, weak edges ignored, as Chrome DevTools computes it) and per constructor (each
 * object counted once: an instance inside another instance of the same constructor is not added
 * again), plus the biggest single retainers with their path from the GC roots.
 */

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** One constructor (class) of the snapshot. */
export interface ClassRow {
  name: string;
  count: number;
  selfBytes: number;
  retainedBytes: number;
}

/** One object that holds much memory, with how it is reached. */
export interface RetainerRow {
  name: string;
  retainedBytes: number;
  selfBytes: number;
  /** From the GC roots down to the object: `Class.edge` steps of the dominator chain. */
  path: string[];
}

export interface HeapAnalysis {
  nodeCount: number;
  totalBytes: number;
  byRetained: ClassRow[];
  bySelf: ClassRow[];
  retainers: RetainerRow[];
}

/** Class name as DevTools shows it: the constructor for objects, `(type)` for the rest. */
function className(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name;
  if (type === 'hidden' && name.startsWith('system /')) return name;
  return `(${type})`;
}

export function analyseHeapSnapshot(raw: RawSnapshot, top: number): HeapAnalysis {
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const fType = meta.node_fields.indexOf('type');
  const fName = meta.node_fields.indexOf('name');
  const fSelf = meta.node_fields.indexOf('self_size');
  const fEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0]!;
  const edgeTypes = meta.edge_types[0]!;
  const weak = edgeTypes.indexOf('weak');
  const { nodes, edges, strings } = raw;
  const n = nodes.length / nf;

  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) firstEdge[i + 1] = firstEdge[i]! + nodes[i * nf + fEdges]! * ef;
  const self = new Float64Array(n);
  const classOf = new Uint32Array(n);
  const classNames: string[] = [];
  const classIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    self[i] = nodes[i * nf + fSelf]!;
    const name = className(nodeTypes[nodes[i * nf + fType]!]!, strings[nodes[i * nf + fName]!]!);
    let c = classIndex.get(name);
    if (c === undefined) {
      c = classNames.length;
      classNames.push(name);
      classIndex.set(name, c);
    }
    classOf[i] = c;
  }
  const strong = (e: number): boolean => edges[e + eType] !== weak;

  // Depth-first postorder from the root (node 0) over strong edges.
  const post = new Int32Array(n).fill(-1); // node -> postorder number
  const order = new Int32Array(n); // postorder number -> node
  let count = 0;
  {
    const stack = new Int32Array(n);
    const cursor = new Uint32Array(n);
    const seen = new Uint8Array(n);
    let sp = 0;
    stack[sp++] = 0;
    seen[0] = 1;
    cursor[0] = firstEdge[0]!;
    while (sp > 0) {
      const v = stack[sp - 1]!;
      let pushed = false;
      while (cursor[v]! < firstEdge[v + 1]!) {
        const e = cursor[v]!;
        cursor[v] = cursor[v]! + ef;
        if (!strong(e)) continue;
        const w = edges[e + eTo]! / nf;
        if (seen[w]!) continue;
        seen[w] = 1;
        cursor[w] = firstEdge[w]!;
        stack[sp++] = w;
        pushed = true;
        break;
      }
      if (!pushed) {
        sp--;
        post[v] = count;
        order[count++] = v;
      }
    }
  }

  // Predecessors (reachable ones only), indexed by postorder number.
  const predCount = new Uint32Array(count + 1);
  for (let v = 0; v < n; v++) {
    if (post[v]! < 0) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) {
      if (!strong(e)) continue;
      const w = post[edges[e + eTo]! / nf]!;
      if (w >= 0) predCount[w + 1] = predCount[w + 1]! + 1;
    }
  }
  for (let i = 0; i < count; i++) predCount[i + 1] = predCount[i + 1]! + predCount[i]!;
  const preds = new Int32Array(predCount[count]!);
  {
    const fill = predCount.slice(0, count);
    for (let v = 0; v < n; v++) {
      if (post[v]! < 0) continue;
      for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) {
        if (!strong(e)) continue;
        const w = post[edges[e + eTo]! / nf]!;
        if (w >= 0) {
          preds[fill[w]!] = post[v]!;
          fill[w] = fill[w]! + 1;
        }
      }
    }
  }

  // Immediate dominators (Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm").
  const root = count - 1;
  const idom = new Int32Array(count).fill(-1);
  idom[root] = root;
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = root - 1; b >= 0; b--) {
      let d = -1;
      for (let k = predCount[b]!; k < predCount[b + 1]!; k++) {
        const p = preds[k]!;
        if (idom[p]! < 0) continue;
        if (d < 0) {
          d = p;
          continue;
        }
        let x = p;
        let y = d;
        while (x !== y) {
          while (x < y) x = idom[x]!;
          while (y < x) y = idom[y]!;
        }
        d = x;
      }
      if (d >= 0 && idom[b] !== d) {
        idom[b] = d;
        changed = true;
      }
    }
  }

  // Retained size: a dominator has a higher postorder number than what it dominates.
  const retained = new Float64Array(count);
  for (let b = 0; b < count; b++) retained[b] = retained[b]! + self[order[b]!]!;
  for (let b = 0; b < root; b++) if (idom[b]! >= 0) retained[idom[b]!] = retained[idom[b]!]! + retained[b]!;

  // Per class: count every instance, add the retained size of the outermost ones only.
  const classes = classNames.map((name) => ({ name, count: 0, selfBytes: 0, retainedBytes: 0 }));
  {
    const childStart = new Uint32Array(count + 1);
    for (let b = 0; b < root; b++) if (idom[b]! >= 0) childStart[idom[b]! + 1] = childStart[idom[b]! + 1]! + 1;
    for (let i = 0; i < count; i++) childStart[i + 1] = childStart[i + 1]! + childStart[i]!;
    const children = new Int32Array(childStart[count]!);
    const fill = childStart.slice(0, count);
    for (let b = 0; b < root; b++) {
      const d = idom[b]!;
      if (d < 0) continue;
      children[fill[d]!] = b;
      fill[d] = fill[d]! + 1;
    }
    const open = new Uint32Array(classNames.length);
    const stack = new Int32Array(count * 2 + 2);
    let sp = 0;
    stack[sp++] = root;
    while (sp > 0) {
      const item = stack[--sp]!;
      if (item < 0) {
        const closed = classOf[order[~item]!]!;
        open[closed] = open[closed]! - 1;
        continue;
      }
      const c = classOf[order[item]!]!;
      const row = classes[c]!;
      row.count++;
      row.selfBytes += self[order[item]!]!;
      if (open[c]! === 0) row.retainedBytes += retained[item]!;
      open[c] = open[c]! + 1;
      stack[sp++] = ~item;
      for (let k = childStart[item]!; k < childStart[item + 1]!; k++) stack[sp++] = children[k]!;
    }
  }

  const edgeName = (from: number, to: number): string => {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += ef) {
      if (edges[e + eTo]! / nf !== to) continue;
      const t = edgeTypes[edges[e + eType]!]!;
      const v = edges[e + eName]!;
      return t === 'element' || t === 'hidden' ? `[${v}]` : String(strings[v]!);
    }
    return '?';
  };
  const pathOf = (b: number): string[] => {
    const steps: string[] = [];
    for (let x = b; x !== root && steps.length < 40; x = idom[x]!) {
      const parent = idom[x]!;
      steps.push(`${classNames[classOf[order[parent]!]!]!}.${edgeName(order[parent]!, order[x]!)}`);
    }
    return steps.reverse();
  };
  // The biggest retainers that are objects (not the roots, not the engine's internals).
  const candidates: number[] = [];
  for (let b = 0; b < root; b++) {
    const type = nodeTypes[nodes[order[b]! * nf + fType]!]!;
    if (type === 'object' || type === 'closure' || type === 'native') candidates.push(b);
  }
  candidates.sort((x, y) => retained[y]! - retained[x]!);
  const retainers = candidates.slice(0, top).map((b) => ({
    name: classNames[classOf[order[b]!]!]!,
    retainedBytes: retained[b]!,
    selfBytes: self[order[b]!]!,
    path: pathOf(b),
  }));

  const real = classes.filter((c) => c.name !== '(synthetic)');
  return {
    nodeCount: n,
    totalBytes: retained[root]!,
    byRetained: [...real].sort((x, y) => y.retainedBytes - x.retainedBytes).slice(0, top),
    bySelf: [...real].sort((x, y) => y.selfBytes - x.selfBytes).slice(0, top),
    retainers,
  };
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(2);

/** The analysis as Markdown: two class tables and the biggest retainers with their paths. */
export function formatHeapReport(title: string, a: HeapAnalysis, pathSteps: number): string {
  const table = (rows: ClassRow[]): string[] => [
    '| constructor | objects | self MB | retained MB |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.count} | ${mb(r.selfBytes)} | ${mb(r.retainedBytes)} |`,
    ),
  ];
  const lines = [
    `# ${title}`,
    '',
    `${a.nodeCount} objects, ${mb(a.totalBytes)} MB reachable.`,
    '',
    '## By retained size (outermost instances of each constructor)',
    '',
    ...table(a.byRetained),
    '',
    '## By self size',
    '',
    ...table(a.bySelf),
    '',
    '## Biggest single retainers',
    '',
    '| retained MB | object | path from the GC roots (last steps) |',
    '| ---: | --- | --- |',
    ...a.retainers.map(
      (r) =>
        `| ${mb(r.retainedBytes)} | ${r.name.replace(/\|/g, '\\|')} | ${r.path
          .slice(-pathSteps)
          .join(' → ')
          .replace(/\|/g, '\\|')} |`,
    ),
  ];
  return lines.join('\n');
}
