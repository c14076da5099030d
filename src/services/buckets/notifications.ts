/**
 * Bucket notification configurations and the events they produce. A configuration
 * lists *targets* (queues and functions), each with the event types it wants
 * (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`…) and optional prefix/suffix filter
 * rules on the key. Validation follows S3: unknown events and bad rules are
 * InvalidArgument; two targets whose event types and filters overlap make the
 * configuration "ambiguously defined". Events have S3's message structure
 * (eventVersion 2.1) with the key URL-encoded as S3 encodes it.
 */
import { InvalidArgument } from "./errors.js";
import { bucketArn } from "./names.js";
import type { FilterRule, NewEvent, NotificationTarget } from "./types.js";

const CREATED = ["Put", "Post", "Copy", "CompleteMultipartUpload"];
const REMOVED = ["Delete", "DeleteMarkerCreated"];
const OTHER = [
  "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject",
  "s3:Replication:*", "s3:LifecycleExpiration:*", "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectAcl:Put",
];
export const KNOWN_EVENTS = new Set([
  "s3:ObjectCreated:*", ...CREATED.map((e) => `s3:ObjectCreated:${e}`),
  "s3:ObjectRemoved:*", ...REMOVED.map((e) => `s3:ObjectRemoved:${e}`),
  ...OTHER,
]);

/** Whether a configured event pattern covers an event name like "ObjectCreated:Put". */
function covers(pattern: string, eventName: string): boolean {
  const p = pattern.replace(/^s3:/, "");
  return p.endsWith(":*") ? eventName.startsWith(p.slice(0, -1)) : p === eventName;
}

function patternsOverlap(a: string, b: string): boolean {
  const [fa, fb] = [a.replace(/:\*$/, ":"), b.replace(/:\*$/, ":")];
  return a === b || (a.endsWith(":*") && b.startsWith(fa)) || (b.endsWith(":*") && a.startsWith(fb));
}

function ruleOf(t: NotificationTarget, name: "prefix" | "suffix"): string {
  return t.rules.find((r) => r.name === name)?.value ?? "";
}

function overlap(a: string, b: string, starts: boolean): boolean {
  return starts ? a.startsWith(b) || b.startsWith(a) : a.endsWith(b) || b.endsWith(a);
}

export function checkRules(rules: readonly FilterRule[]): void {
  for (const name of ["prefix", "suffix"] as const) {
    if (rules.filter((r) => r.name === name).length > 1) {
      throw new InvalidArgument("Cannot specify more than one " + name + " rule in a filter.", `FilterRule name`, name);
    }
  }
}

/** S3's checks of a whole configuration (destinations are checked by the service). */
export function checkConfiguration(targets: readonly NotificationTarget[]): void {
  for (const t of targets) {
    if (!t.events.length) throw new InvalidArgument("A notification configuration needs at least one event.", "Event", "");
    for (const e of t.events) if (!KNOWN_EVENTS.has(e)) throw new InvalidArgument("The event is not supported for notifications", "Event", e);
    checkRules(t.rules);
  }
  if (new Set(targets.map((t) => t.id)).size !== targets.length) {
    throw new InvalidArgument("Configuration Id must be unique within the configuration.", "Id", "");
  }
  targets.forEach((a, i) =>
    targets.slice(i + 1).forEach((b) => {
      const sameEvent = a.events.some((x) => b.events.some((y) => patternsOverlap(x, y)));
      if (sameEvent && overlap(ruleOf(a, "prefix"), ruleOf(b, "prefix"), true) && overlap(ruleOf(a, "suffix"), ruleOf(b, "suffix"), false)) {
        throw new InvalidArgument(
          "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.",
          "Event",
          a.events[0] ?? "",
        );
      }
    }),
  );
}

/** The targets that want an event about `key`. */
export function targetsFor(targets: readonly NotificationTarget[], eventName: string, key: string): NotificationTarget[] {
  return targets.filter((t) => t.events.some((e) => covers(e, eventName)) && key.startsWith(ruleOf(t, "prefix")) && key.endsWith(ruleOf(t, "suffix")));
}

/** S3 URL-encodes keys in events as a form would: spaces as "+", slashes kept. */
export function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

export interface EventFacts {
  readonly eventName: string;
  readonly bucket: string;
  readonly owner: string;
  readonly region: string;
  readonly time: number;
  readonly key: string;
  readonly size?: number;
  readonly etag?: string;
  readonly sequencer: string;
  readonly principal: string;
  readonly sourceIp: string;
  readonly requestId: string;
}

function record(f: EventFacts, configurationId: string): unknown {
  const object = f.size === undefined ? { key: eventKey(f.key), sequencer: f.sequencer } : { key: eventKey(f.key), size: f.size, eTag: f.etag, sequencer: f.sequencer };
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: f.region,
    eventTime: new Date(f.time).toISOString(),
    eventName: f.eventName,
    userIdentity: { principalId: f.principal },
    requestParameters: { sourceIPAddress: f.sourceIp },
    responseElements: { "x-amz-request-id": f.requestId, "x-amz-id-2": Buffer.from(f.requestId).toString("base64") },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId,
      bucket: { name: f.bucket, ownerIdentity: { principalId: f.owner }, arn: bucketArn(f.bucket) },
      object,
    },
  };
}

/** One outbox entry per target that wants the event. */
export function eventsFor(targets: readonly NotificationTarget[] | undefined, f: EventFacts): NewEvent[] {
  if (!targets?.length) return [];
  return targetsFor(targets, f.eventName, f.key).map((t) => ({ kind: t.kind, target: t.arn, body: JSON.stringify({ Records: [record(f, t.id)] }) }));
}

/** The message S3 sends to a queue when a configuration names it. */
export function testEvent(bucket: string, time: number, requestId: string): string {
  return JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: new Date(time).toISOString(), Bucket: bucket, RequestId: requestId, HostId: Buffer.from(requestId).toString("base64") });
}
