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
      format: "simulating |{bar}| {percentage}% | {carts} carts | {rate} carts/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(event) {
      const payload = { carts: event.records.toLocaleString("en-US"), rate: event.elapsedMs > 0 ? Math.round((event.records * 1000) / event.elapsedMs).toLocaleString("en-US") : "0" };
      if (!started) {
        bar.start(Math.max(1, event.bytesTotal), Math.min(event.bytesRead, event.bytesTotal), payload);
        started = true;
      } else bar.update(Math.min(event.bytesRead, event.bytesTotal), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
