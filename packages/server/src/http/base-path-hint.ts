/**
 * Why a path matched no route when it ends with one: the API is mounted under a prefix it was not told about
 * (`app.all('/support/api/*', …)` without `basePath: '/support/api'`), or under another one. Returns the sentence
 * to add to the 404, or `''` when the path is simply unknown.
 */
export function basePathHint(path: string, basePath: string, routePaths: readonly string[]): string {
  for (const routePath of routePaths) {
    const tail = new RegExp(`^(/.+?)${routePath.replace(/:[A-Za-z]+/g, '[^/]+')}$`).exec(path);
    const prefix = tail?.[1];
    if (prefix === undefined || prefix === basePath) continue;
    const now = basePath === '' ? 'has no basePath' : `has basePath '${basePath}'`;
    return `: the API ${now}; if it is mounted at ${prefix}, pass createSupportApi(desk, { basePath: '${prefix}' })`;
  }
  return '';
}
