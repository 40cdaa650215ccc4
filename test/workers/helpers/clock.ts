/** A clock tests move by hand. */
export class ManualClock {
    constructor(private time = Date.parse("2026-01-01T00:00:00Z")) {}
    now = (): Date => new Date(this.time);
    advanceSeconds(seconds: number): void {
        this.time += seconds * 1000;
    }
}
