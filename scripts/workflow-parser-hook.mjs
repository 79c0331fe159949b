// Module hook for @actions/workflow-parser. The package is published for bundlers and imports its
// schemas (`action-v1.0.min.json`, `workflow-v1.0.min.json`) without `with { type: 'json' }`,
// which Node refuses. This adds the attribute to those imports, and to nothing else.
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  if (resolved.url.endsWith('.json') && resolved.url.includes('/@actions/workflow-parser/')) {
    return { ...resolved, importAttributes: { ...context.importAttributes, type: 'json' } }
  }
  return resolved
}
