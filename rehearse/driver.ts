import type { HttpRequest } from "./aws/api-gateway";

export type { HttpRequest };

/** An HTTP answer of the rehearsed front end. */
export interface HttpAnswer {
    status: number;
    body: unknown;
    /** With a 5xx: the front end's own last error (its logs). */
    logs?: string;
}

/** A planned queue with its planned dead-letter queue, as the emulator holds them. */
export interface DeadLetterRoute {
    /** The planned physical names. */
    source: string;
    deadLetter: string;
    /** Deliveries before a message moves to the dead-letter queue, as planned (redrive / dead-letter policy). */
    maxAttempts: number;
}

/**
 * One stack stood up on emulators, driven the way its cloud would drive it. The paths are written
 * once against this; each cloud implements it from its planned resources.
 */
export interface StackDriver {
    /** An HTTP request through the planned front end (routes, then the bundled handler). */
    request(request: HttpRequest): Promise<HttpAnswer>;
    /** Header values that authenticate a caller as the stack's users would (the planned API key), or {} with no auth. */
    credentials(): Promise<Record<string, string>>;
    /** Delivers queued messages to the planned triggers until nothing is left to deliver. */
    drain(): Promise<{ deliveries: Map<string, number>; errors: string[] }>;
    /** The planned dead-letter routes. */
    deadLetterRoutes(): DeadLetterRoute[];
    /** Bodies waiting in a dead-letter queue (left there). */
    deadLetters(route: DeadLetterRoute): Promise<string[]>;
    /** Moves every dead letter of `route` back to its source queue with the operator's redrive; the count moved. */
    redrive(route: DeadLetterRoute): Promise<number>;
    /**
     * Bodies waiting on each planned queue of a spec queue (one entry per priority level, highest
     * first; `level` undefined without priorities), left there. @default the pattern paths are not walked
     */
    waiting?(queue: string): Promise<{ level?: string; queue: string; bodies: string[] }[]>;
    /** Starts the workers that run on their own (VM services); until then only what the driver delivers is consumed. @default none */
    startConsumers?(): Promise<void>;
    /** The last lines of workers that run on their own (VM services), for a failed path's detail. @default none */
    consumerLogs?(): string[];
    /** Error answers the emulators gave the stack's code since the last call, in their own words (e.g. "403 AccessDenied: ..."). */
    emulatorErrors(): string[];
}
