/**
 * A minimal AWS JSON-protocol client for load generation: SigV4-signed requests over
 * keep-alive HTTP/1.1, without the AWS SDK's per-request machinery (which costs about a
 * millisecond of CPU per call and would measure itself, not the server). The protocol
 * (signing name, target prefix, content type) picks the service: SQS speaks AWS JSON 1.0,
 * Kinesis AWS JSON 1.1.
 */
import { createHash, createHmac } from "node:crypto";
import { Agent, request } from "node:http";

export interface JsonProtocol {
  /** The SigV4 signing name. */
  readonly service: string;
  /** `X-Amz-Target` is `<targetPrefix>.<Action>`. */
  readonly targetPrefix: string;
  readonly contentType: string;
}

export const SQS_JSON: JsonProtocol = { service: "sqs", targetPrefix: "AmazonSQS", contentType: "application/x-amz-json-1.0" };
export const KINESIS_JSON: JsonProtocol = { service: "kinesis", targetPrefix: "Kinesis_20131202", contentType: "application/x-amz-json-1.1" };

export interface LeanOptions {
  readonly url: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly sockets: number;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export class LeanAwsJson {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private keyDate = "";
  private key: Buffer = Buffer.alloc(0);

  constructor(
    private readonly o: LeanOptions,
    private readonly protocol: JsonProtocol,
  ) {
    const u = new URL(o.url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: o.sockets });
  }

  /** The derived key changes once a day; deriving it per request would cost four HMACs. */
  private signingKey(date: string): Buffer {
    if (date !== this.keyDate) {
      this.keyDate = date;
      this.key = hmac(hmac(hmac(hmac(`AWS4${this.o.secretAccessKey}`, date), this.o.region), this.protocol.service), "aws4_request");
    }
    return this.key;
  }

  private headers(action: string, body: string): Record<string, string> {
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const date = amzDate.slice(0, 8);
    const hash = createHash("sha256").update(body).digest("hex");
    const headers: Record<string, string> = {
      "content-type": this.protocol.contentType,
      host: `${this.host}:${this.port}`,
      "x-amz-content-sha256": hash,
      "x-amz-date": amzDate,
      "x-amz-target": `${this.protocol.targetPrefix}.${action}`,
    };
    const names = Object.keys(headers).sort();
    const canonical = ["POST", "/", "", names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), hash].join("\n");
    const scope = `${date}/${this.o.region}/${this.protocol.service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
    const signature = createHmac("sha256", this.signingKey(date)).update(toSign).digest("hex");
    headers["authorization"] = `AWS4-HMAC-SHA256 Credential=${this.o.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    headers["content-length"] = String(Buffer.byteLength(body));
    return headers;
  }

  /** Calls an action; resolves with the parsed JSON body, rejects with the error body. */
  call<T = Record<string, unknown>>(action: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method: "POST", path: "/", agent: this.agent, headers: this.headers(action, body) }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${action} ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve((text ? JSON.parse(text) : {}) as T);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
