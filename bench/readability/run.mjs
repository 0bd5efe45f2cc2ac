// Runs Mozilla Readability (over jsdom) on each page named on the command
// line, one after another, and writes OUT/<name>.json with {"title", "html"}
// (the article's HTML as Readability returns it) or {"error"}. Prints one
// line of totals: "pages N bytes B seconds S cpu C failed F", where S (wall
// clock) and C (CPU time of the process, all its threads) count only
// parsing and extraction, not node's start-up or reading the files.
//
//   node run.mjs OUT_DIR NAME=FILE...
//
// Pages that are valid UTF-8 are handed over as text, so a <meta charset>
// that lies about the bytes (common on Russian sites) does not garble them;
// others go as bytes for jsdom to sniff, as a browser would.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';

const [outDir, ...pages] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const quiet = new VirtualConsole();
const utf8 = new TextDecoder('utf-8', { fatal: true });
let bytes = 0, failed = 0, seconds = 0, cpu = 0;
for (const page of pages) {
  const eq = page.indexOf('=');
  const name = page.slice(0, eq), file = page.slice(eq + 1);
  const data = readFileSync(file);
  bytes += data.length;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let result;
  try {
    let input = data;
    try {
      input = utf8.decode(data);
    } catch {
      // Not UTF-8: let jsdom sniff the charset (BOM, <meta>).
    }
    const dom = new JSDOM(input, { url: 'https://example.org/' + name + '.html', virtualConsole: quiet });
    const article = new Readability(dom.window.document).parse();
    result = article ? { title: article.title, html: article.content } : { error: 'no article' };
    dom.window.close();
  } catch (e) {
    result = { error: String(e) };
  }
  seconds += Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  cpu += (c1.user + c1.system) / 1e6;
  if (result.error) failed++;
  writeFileSync(`${outDir}/${name}.json`, JSON.stringify(result));
}
console.log(`pages ${pages.length} bytes ${bytes} seconds ${seconds.toFixed(3)} cpu ${cpu.toFixed(3)} failed ${failed}`);
