/** A parsed Content-Type header: the lower-cased media type and its parameters. */
export interface ContentType {
  mediaType: string;
  params: Record<string, string>;
}

/**
 * Parses a Content-Type header such as `multipart/related; boundary="===15==" `.
 * Quoted parameter values may contain `;` and backslash escapes.
 */
export function parseContentType(header: string | undefined): ContentType {
  const text = header ?? '';
  const semi = text.indexOf(';');
  const mediaType = (semi === -1 ? text : text.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of text.matchAll(re)) {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    params[m[1].toLowerCase()] = value;
  }
  return { mediaType, params };
}
