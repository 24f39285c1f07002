// ESLint rule: the gateway's layers, so a wrong arrow fails CI (docs/architecture.md, "Layers").
// Each folder of gateway/src may import the folders listed for it; the domain imports nothing of ours but the
// domain (and the contract package); adapters are imported only where the gateway is assembled.
import { dirname, relative, resolve, sep } from 'node:path';

/** Folder -> folders its files may import. Files directly in gateway/src (the composition root) may import all. */
export const LAYERS = {
  domain: ['domain'],
  ports: ['domain', 'ports'],
  services: ['domain', 'ports', 'services'],
  http: ['domain', 'ports', 'services', 'http'],
  adapters: ['domain', 'ports', 'services', 'adapters', '.'],
};

/** The layer of a file under gateway/src: its first folder, or '.' for a file directly in it; undefined elsewhere. */
function layerOf(file, srcRoot) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? '.' : parts[0];
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps the gateway layers (domain, ports, services, http, adapters) pointing one way' },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, required: ['srcRoot'] }],
  },
  create(context) {
    const srcRoot = resolve(context.options[0].srcRoot);
    const file = context.filename;
    const from = layerOf(file, srcRoot);
    if (from === undefined || /\.test\.ts$/.test(file)) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (from === 'domain' && spec.startsWith('@coldtrace/') && spec !== '@coldtrace/contract') {
          context.report({ node, message: `domain code imports '${spec}': the domain imports nothing of ours but the domain and @coldtrace/contract` });
        }
        return;
      }
      const to = layerOf(resolve(dirname(file), spec), srcRoot);
      if (to === undefined) return context.report({ node, message: `'${spec}' is outside gateway/src` });
      const allowed = from === '.' ? true : LAYERS[from]?.includes(to) ?? true;
      if (!allowed) context.report({ node, message: `${from}/ may not import ${to === '.' ? 'the composition root' : `${to}/`} ('${spec}'): ${from}/ may import ${LAYERS[from].join(', ')}` });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
