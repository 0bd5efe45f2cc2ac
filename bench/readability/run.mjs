// Runs Mozilla Readability (over jsdom) on each page named on the command
// line, single-threaded, and writes OUT/<name>.json with {"title", "html"}
// (the article's HTML as Readability returns it). Prints one line of totals:
// "pages N bytes B seconds S failed F".
//
//   node run.mjs OUT_DIR NAME=FILE...
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';

const [outDir, ...pages] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const quiet = new VirtualConsole();
let bytes = 0, failed = 0, seconds = 0;
for (const page of pages) {
  const eq = page.indexOf('=');
  const name = page.slice(0, eq), file = page.slice(eq + 1);
  const data = readFileSync(file);
  bytes += data.length;
  const t0 = process.hrtime.bigint();
  let result;
  try {
    // A Buffer lets jsdom sniff the charset (BOM, <meta>) as a browser would.
    const dom = new JSDOM(data, { url: 'https://example.org/' + name + '.html', virtualConsole: quiet });
    const article = new Readability(dom.window.document).parse();
    result = article ? { title: article.title, html: article.content } : { error: 'no article' };
    dom.window.close();
  } catch (e) {
    result = { error: String(e) };
  }
  seconds += Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.error) failed++;
  writeFileSync(`${outDir}/${name}.json`, JSON.stringify(result));
}
console.log(`pages ${pages.length} bytes ${bytes} seconds ${seconds.toFixed(3)} failed ${failed}`);
