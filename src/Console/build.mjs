// Builds the console into the silo's static folder (src/Silo/console, ignored by git): the page's own
// files from src/, and uPlot's ES module, stylesheet and licence from node_modules (installed by npm ci).
// No bundler: the page is a handful of ES modules the browser loads itself.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "Silo", "console");
const uplot = join(here, "node_modules", "uplot");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });
cpSync(join(here, "src"), out, { recursive: true });
cpSync(join(uplot, "dist", "uPlot.esm.js"), join(out, "vendor", "uPlot.esm.js"));
cpSync(join(uplot, "dist", "uPlot.min.css"), join(out, "vendor", "uPlot.min.css"));
cpSync(join(uplot, "LICENSE"), join(out, "vendor", "uPlot.LICENSE"));
console.log(`console built into ${out}`);
