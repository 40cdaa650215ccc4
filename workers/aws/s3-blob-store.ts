import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BlobNotFoundError, type BlobStore } from "../runtime";

/** Where the claim-check store keeps bodies. */
export interface S3BlobStoreOptions {
    /** The S3 client (tests point it at moto). */
    client: S3Client;
    /** The stack's claim-check bucket (env QUEUESTACK_BLOB_BUCKET); its lifecycle rule expires the bodies. */
    bucket: string;
}

/**
 * Claim-checked bodies in S3: the front end puts (s3:PutObject), workers get (s3:GetObject). A
 * missing object (expired or never written) is a BlobNotFoundError, so the runtime dead-letters
 * the message with the reason instead of retrying it.
 */
export class S3BlobStore implements BlobStore {
    constructor(private readonly options: S3BlobStoreOptions) {}

    async put(key: string, body: Buffer): Promise<void> {
        await this.options.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: "application/json" }));
    }

    async get(key: string): Promise<Buffer> {
        try {
            const { Body } = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
            if (!Body) throw new Error(`s3://${this.options.bucket}/${key} came back without a body`);
            return Buffer.from(await Body.transformToByteArray());
        } catch (error) {
            if (error instanceof NoSuchKey || (error instanceof Error && error.name === "NoSuchKey")) throw new BlobNotFoundError(key);
            throw error;
        }
    }
}
