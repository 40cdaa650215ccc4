/** Where a command writes and reads: the process's streams, or buffers in tests. */
export interface CliIo {
    out(text: string): void;
    err(text: string): void;
    /** Answers to confirmation prompts. */
    stdin: NodeJS.ReadableStream;
    /** Where progress bars are drawn (only when it is a terminal). */
    progress: NodeJS.WriteStream;
}

/** The process's own streams. */
export const processIo: CliIo = {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    stdin: process.stdin,
    progress: process.stderr,
};
