/** Where a confirmation is asked and answered. */
export interface Prompt {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
}

/** The first line the input gives ("" when it ends first). */
function firstLine(input: NodeJS.ReadableStream): Promise<string> {
    return new Promise((resolve) => {
        let text = "";
        const finish = () => {
            input.removeListener("data", onData);
            input.removeListener("end", finish);
            input.removeListener("error", finish);
            input.pause();
            resolve(text.split("\n")[0]);
        };
        const onData = (chunk: Buffer | string) => {
            text += chunk.toString();
            if (text.includes("\n")) finish();
        };
        input.on("data", onData);
        input.once("end", finish);
        input.once("error", finish);
        input.resume();
    });
}

/** Asks `question`; true only when the answer is y or yes. An input that ends without an answer (no terminal) answers no. */
export async function confirm(question: string, prompt: Prompt = { input: process.stdin, output: process.stderr }): Promise<boolean> {
    prompt.output.write(`${question} [y/N] `);
    const answer = await firstLine(prompt.input);
    // A terminal echoes the answer and its newline; piped input does not.
    if (!(prompt.input as { isTTY?: boolean }).isTTY) prompt.output.write("\n");
    return /^(y|yes)$/i.test(answer.trim());
}
