/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every 10%
 * otherwise (CI logs).
 */
export function progressBar(label: string, total: number) {
  const started = Date.now();
  const interactive = process.stderr.isTTY === true;
  let lastDecile = -1;
  let lastDraw = 0;
  const draw = (done: number, force = false) => {
    const now = Date.now();
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const decile = Math.floor(fraction * 10);
    if (!force && (interactive ? now - lastDraw < 100 : decile === lastDecile)) return;
    lastDraw = now;
    lastDecile = decile;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} (${Math.round(rate)}/s)`;
    process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
  };
  return {
    tick(done: number) {
      draw(done);
    },
    done() {
      draw(total, true);
      if (interactive) process.stderr.write('\n');
    },
  };
}
