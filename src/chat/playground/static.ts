/** The playground page's files, served from public/ (never a path from the request). */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

const JS = 'text/javascript; charset=utf-8';
const SVG = 'image/svg+xml';

/** URL path → [file in public/, content type]. */
export const STATIC: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', JS],
  '/api.js': ['api.js', JS],
  '/view.js': ['view.js', JS],
  '/thread.js': ['thread.js', JS],
  '/composer.js': ['composer.js', JS],
  '/connection.js': ['connection.js', JS],
  '/vote.js': ['vote.js', JS],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', SVG],
  // Browsers ask for /favicon.ico by themselves; an SVG answers it as well as an .ico would.
  '/favicon.ico': ['favicon.svg', SVG],
};

/** Serves one of the page's files; false when `path` is none of them. */
export async function serveStatic(path: string, res: ServerResponse): Promise<boolean> {
  const asset = STATIC[path];
  if (!asset) return false;
  const body = await readFile(new URL(`./public/${asset[0]}`, import.meta.url));
  res.writeHead(200, { 'content-type': asset[1], 'cache-control': 'no-cache' });
  res.end(body);
  return true;
}
