import type { Logger } from "../../workers/runtime";
import type { QueueEngine } from "./queue-engine";

/** What a promoter moves. */
export interface PromoterOptions {
    engine: QueueEngine;
    /** The engine queues of one spec queue's levels, highest first. */
    levels: string[];
    /** A message that has waited this long since it became due moves up one level (spec priorities.promoteAfterSeconds). */
    promoteAfterSeconds: number;
    logger: Logger;
    /** Time between passes. @default a tenth of promoteAfterSeconds, between 50 ms and 1 s */
    everyMs?: number;
}

/**
 * Keeps low priority levels from starving: every pass moves each level's messages older than
 * promoteAfterSeconds (by their original enqueue time) one level up, in one transaction per level,
 * highest levels first so a message climbs one level per pass. A message past the bound therefore
 * reaches the top level within (levels - 1) passes, where its early send order puts it ahead of
 * newer work; its wait stays under (levels - 1) x promoteAfterSeconds plus processing.
 */
export class Promoter {
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly options: PromoterOptions) {
        if (options.levels.length < 2) throw new Error(`a promoter needs at least two levels, got ${options.levels.join(", ")}`);
    }

    /** One pass over every level below the top. Returns how many messages moved up. */
    promoteDue(): number {
        const { engine, levels, promoteAfterSeconds } = this.options;
        let moved = 0;
        for (let rank = 1; rank < levels.length; rank++) {
            moved += engine.group.runNow(() => engine.promote(levels[rank]!, levels[rank - 1]!, promoteAfterSeconds));
        }
        return moved;
    }

    /** Runs a pass every `everyMs` until stop(). */
    start(): void {
        const everyMs = this.options.everyMs ?? Math.min(1000, Math.max(50, this.options.promoteAfterSeconds * 100));
        this.timer = setInterval(() => {
            try {
                const moved = this.promoteDue();
                if (moved > 0) this.options.logger.info({ levels: this.options.levels, moved }, "promoted messages that waited past the bound");
            } catch (error) {
                this.options.logger.error({ err: error }, "promotion failed; trying again on the next pass");
            }
        }, everyMs);
        this.timer.unref();
    }

    stop(): void {
        clearInterval(this.timer);
    }
}
