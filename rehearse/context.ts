import type { Spec } from "../components/spec";
import type { EmulatorPool } from "./emulators/pool";
import type { PlannedResource } from "./plan";
import type { Samples } from "./paths/samples";

/** What each cloud's rehearsal gets: the plan, the validated spec, the emulators and the sample bodies. */
export interface RehearsalContext {
    stack: string;
    config: Record<string, unknown>;
    spec: Spec;
    resources: PlannedResource[];
    emulators: EmulatorPool;
    samples: Samples;
    progress(line: string): void;
}
