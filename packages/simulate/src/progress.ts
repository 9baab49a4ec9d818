import cliProgress from "cli-progress";
import type { ProgressEvent } from "./simulate.js";

/** Progress of a simulation on a terminal: a bar over the input's bytes with carts, carts/s and ETA. */
export interface ProgressDisplay {
  update(event: ProgressEvent): void;
  stop(): void;
}

const NONE: ProgressDisplay = { update() {}, stop() {} };

/** A progress bar on `stream` when it is a terminal; nothing at all when output is piped or redirected. */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "simulating |{bar}| {percentage}% | {carts} carts | {rate} carts/s | ETA {remaining}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(event) {
      // The share of the input done: the share of bytes read, scaled by the share of the lines read that are priced.
      const read = event.bytesTotal > 0 ? Math.min(1, event.bytesRead / event.bytesTotal) : 0;
      const fraction = event.taken > 0 ? read * (event.records / event.taken) : 0;
      const remaining = fraction > 0 ? Math.round((event.elapsedMs * (1 - fraction)) / fraction / 1000) : undefined;
      const payload = {
        carts: event.records.toLocaleString("en-US"),
        rate: event.elapsedMs > 0 ? Math.round((event.records * 1000) / event.elapsedMs).toLocaleString("en-US") : "0",
        remaining: remaining === undefined ? "--" : remaining >= 120 ? `${Math.round(remaining / 60)}m` : `${remaining}s`,
      };
      const value = Math.round(fraction * 1000);
      if (!started) {
        bar.start(1000, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
