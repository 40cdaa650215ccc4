/** The end-to-end benchmark's worker: does nothing, so what is measured is the stack around it. */
import { defineWorker } from "../../../workers/runtime";

export default defineWorker<{ i: number }>({ handle: () => undefined });
