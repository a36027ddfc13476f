/** Where progress goes: standard error, or anything with `write` (a TTY redraws one line). */
export interface ProgressStream {
  /** True when the stream is a terminal: the bar redraws in place. */
  isTTY?: boolean;
  /** Writes text as is. */
  write(text: string): unknown;
}

/** Reports a copy stage by stage: a bar redrawn in place on a terminal, plain lines otherwise. */
export interface Progress {
  /** Starts a stage of `total` units. */
  stage(name: string, total: number): void;
  /** Counts `units` more done in the current stage. */
  advance(units: number): void;
  /** Ends the current stage. */
  end(): void;
}

const WIDTH = 24;
// A terminal redraws at most this often; a pipe gets a line per tenth of a stage.
const REDRAW_MS = 100;

/** A progress reporter on `stream` (nothing at all without one). */
export function progressReporter(stream: ProgressStream | undefined, now = () => Date.now()): Progress {
  let name = '';
  let total = 0;
  let done = 0;
  let shownTenth = -1;
  let drawnAt = 0;
  const percent = () => (total === 0 ? 100 : Math.floor((done / total) * 100));
  const figures = () => `${done}/${total} (${percent()}%)`;
  function draw(force: boolean) {
    if (!stream) return;
    if (stream.isTTY) {
      if (!force && now() - drawnAt < REDRAW_MS) return;
      drawnAt = now();
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
      stream.write(`\r\x1b[2K${name.padEnd(16)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${figures()}`);
      return;
    }
    const tenth = Math.floor(percent() / 10);
    if (!force && tenth === shownTenth) return;
    shownTenth = tenth;
    stream.write(`${name}: ${figures()}\n`);
  }
  return {
    stage(stageName, stageTotal) {
      name = stageName;
      total = stageTotal;
      done = 0;
      shownTenth = -1;
      draw(true);
    },
    advance(units) {
      done += units;
      draw(false);
    },
    end() {
      if (stream?.isTTY) {
        draw(true);
        stream.write('\n');
      } else if (shownTenth !== Math.floor(percent() / 10)) draw(true);
    },
  };
}
