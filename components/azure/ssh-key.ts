import { generateKeyPairSync } from "node:crypto";

/** An SSH wire-format field: length-prefixed bytes. */
function field(bytes: Buffer): Buffer {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the high bit is set. */
function mpint(bytes: Buffer): Buffer {
    return field(bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/**
 * A fresh RSA public key in OpenSSH format whose private half is never kept. Azure requires an
 * SSH key on Linux VMs with password authentication off; this satisfies it while leaving no way
 * to log in (instances take no inbound connections anyway; use Run Command to debug).
 */
export function unusableSshPublicKey(): string {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const jwk = publicKey.export({ format: "jwk" });
    const blob = Buffer.concat([
        field(Buffer.from("ssh-rsa")),
        mpint(Buffer.from(jwk.e!, "base64url")),
        mpint(Buffer.from(jwk.n!, "base64url")),
    ]);
    return `ssh-rsa ${blob.toString("base64")} queuestack-no-login`;
}
