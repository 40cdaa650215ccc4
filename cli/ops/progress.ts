import { SingleBar } from "cli-progress";
import type { Progress } from "../../operations/redrive";


/** Redrives shorter than this move without a bar. */
const barThreshold = 50;

/**
 * A progress bar on stderr when stderr is a terminal and the work is long enough to watch;
 * otherwise nothing (scripts and logs get the final summary line only).
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
    let bar: SingleBar | undefined;
    let done = 0;
    return {
        start(total) {
            if (!stream.isTTY || total < barThreshold) return;
            bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`, stream, hideCursor: true });
            bar.start(total, 0);
        },
        increment(count) {
            done += count;
            if (!bar) return;
            // Queue depths are approximate: grow the total rather than run past it.
            if (bar.getTotal() < done) bar.setTotal(done);
            bar.update(done);
        },
        stop() {
            bar?.stop();
        },
    };
}
