import { randomUUID } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { AzureBlobStore } from "../../workers/azure/blob-store";
import { checkIn, checkOut, claimCheckLimitBytes } from "../../workers/runtime/claim-check";
import type { RehearsalContext } from "../context";
import { azuriteAccount } from "../emulators/azurite";
import { ofType, stringInput } from "../plan";
import { check, type Check } from "../report";
import { notStoodUp } from "../stood-up";

/** What Azure's rehearsal cannot run here, said in every Azure report. */
const unrehearsed: Check[] = [
    { kind: "not rehearsed", name: "Service Bus", status: "skip", detail: "no Service Bus emulator runs here (Microsoft's needs Docker): queues, sessions, dead-lettering and redrive were not rehearsed" },
    { kind: "not rehearsed", name: "Cosmos DB", status: "skip", detail: "no Cosmos DB emulator runs here: idempotency keys and job records were not rehearsed" },
    { kind: "not rehearsed", name: "Functions host", status: "skip", detail: "the Azure Functions host is not run: the front end and workers' packages were not started, so no user path was walked" },
];

/** The Azurite container standing in for planned container `container` of storage account `account` (Azurite serves one account). */
const containerName = (account: string, container: string) => `${account}-${container}`.slice(0, 63);

/**
 * Azure on Azurite: every planned blob container stood up (side by side in Azurite's one account),
 * every planned blob's container checked to be planned, and, with spec largeMessages, a body over
 * the queue's limit claim-checked into the planned container with the workers' own blob store and
 * read back. Service Bus, Cosmos DB and the Functions host are said to be not rehearsed.
 */
export async function rehearseAzure(context: RehearsalContext): Promise<Check[]> {
    const { resources, spec } = context;
    const azurite = await context.emulators.azuriteBlob();
    const service = new BlobServiceClient(`${azurite.endpoint}/${azuriteAccount.name}`, new StorageSharedKeyCredential(azuriteAccount.name, azuriteAccount.key));
    const created = new Map<string, number>();
    const planned = new Map<string, string>();
    const checks: Check[] = [
        await check("path", "stand up the planned blob containers on Azurite", async () => {
            for (const container of ofType(resources, "azure-native:storage:BlobContainer")) {
                const account = stringInput(container, "accountName")!;
                const name = stringInput(container, "containerName")!;
                const client = service.getContainerClient(containerName(account, name));
                await client.deleteIfExists();
                await client.create();
                planned.set(`${account}/${name}`, client.containerName);
                created.set(container.type, (created.get(container.type) ?? 0) + 1);
            }
            const orphans = ofType(resources, "azure-native:storage:Blob").filter((b) => !planned.has(`${stringInput(b, "accountName")}/${stringInput(b, "containerName")}`));
            if (orphans.length) throw new Error(`planned blobs in no planned container: ${orphans.map((b) => `${b.name} (${stringInput(b, "accountName")}/${stringInput(b, "containerName")})`).join(", ")}`);
            const blobs = ofType(resources, "azure-native:storage:Blob").length;
            return `${created.get("azure-native:storage:BlobContainer") ?? 0} BlobContainer; ${blobs} package Blob(s), each in a planned container`;
        }),
    ];
    const largeQueues = spec.largeMessages.enabled ? spec.queues : [];
    const claimCheck = ofType(resources, "azure-native:storage:BlobContainer").find((c) => [...ofType(resources, "azure-native:storage:StorageAccount")].some((a) => stringInput(a, "accountName") === stringInput(c, "accountName") && a.name.endsWith("-large-messages-storage")));
    for (const queue of largeQueues) {
        checks.push(
            await check("path", `claim check: a large body on queue "${queue.name}"`, async () => {
                if (!claimCheck) throw new Error("spec largeMessages is on but no planned blob container holds the claim-checked bodies");
                const container = service.getContainerClient(planned.get(`${stringInput(claimCheck, "accountName")}/${stringInput(claimCheck, "containerName")}`)!);
                const store = new AzureBlobStore(container);
                const limit = claimCheckLimitBytes(queue.maxMessageKb);
                const body = JSON.stringify({ ...context.samples.good, padding: "x".repeat(limit + 1024) });
                const sent = await checkIn(body, limit, store, `${queue.name}/${randomUUID()}`);
                if (sent === body) throw new Error(`a ${body.length}-byte body was sent as is, over the queue's ${limit}-byte limit`);
                const received = await checkOut(sent, store);
                if (received !== body) throw new Error(`the claim-checked body came back as ${received.length} bytes, not the ${body.length} sent`);
                return `${body.length}-byte body over the ${limit}-byte limit -> blob in ${stringInput(claimCheck, "containerName")} -> read back whole (reference ${sent.length} bytes)`;
            }),
        );
    }
    const played = new Set(["azure-native:storage:Blob"]);
    return [...checks, ...unrehearsed, ...notStoodUp(resources, played, created, "resources Azurite does not stand up")];
}
