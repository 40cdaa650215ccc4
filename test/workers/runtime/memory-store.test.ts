import { MemoryWorkerStore } from "../../../workers/runtime";
import { workerStoreContract } from "../helpers/store-contract";

describe("runtime: MemoryWorkerStore meets the WorkerStore contract", () => {
    workerStoreContract((now) => new MemoryWorkerStore(now));
});
