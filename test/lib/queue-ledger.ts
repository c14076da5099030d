/**
 * The crash test's record of what the load fixture (test/fixtures/queue-load.mjs) was
 * told, and the checks of what a restarted store shows against it. Every check is
 * exact, derived from acknowledged outcomes and wall-clock bounds, with no tolerance:
 *
 * - a receive that started at `start` set the message's visible time to at least
 *   `start + visibility`; anything that returns the message again and resolved before
 *   that moment saw an in-flight message;
 * - an acknowledged delete is final, unless the handle it used was stale (the message
 *   was received again in between), which SQS documents as "succeeds, but the message
 *   might not be deleted";
 * - an acknowledged send is in the store exactly once until a delete is acknowledged.
 *
 * Violations are collected by kind, each instance a sentence a person can act on, and
 * reported together at the end rather than thrown one by one.
 */

export interface Receive {
  readonly start: number;
  readonly end: number;
  readonly cycle: number;
}

/** A message seen when reading the store back, and when the receive that saw it resolved. */
export interface Seen {
  readonly body: string;
  readonly messageId: string;
  readonly seenBy: number;
}

export interface Counts {
  sendAcks: number;
  deleteAcks: number;
  receives: number;
  /** Receives of a message that an earlier receive had already returned. */
  redeliveries: number;
  /** Deletes acknowledged with a handle a later receive had already replaced. */
  staleDeletes: number;
}

const BODY = /^c(\d+)-(\d+)$/;

export class QueueLedger {
  /** Acknowledged sends: body → MessageId. */
  readonly sent = new Map<string, string>();
  /** Acknowledged, effective deletes: body → when the delete call resolved. */
  readonly deleted = new Map<string, number>();
  /** Deletes that were asked for (they may or may not have happened if never acknowledged). */
  readonly deleteAsked = new Set<string>();
  /** The latest receive of each message that is still holding it in flight. */
  readonly inFlight = new Map<string, Receive>();
  /** Every body a receive ever returned, with its MessageId. */
  readonly everReceived = new Map<string, string>();
  /** Every body seen in the queue: returned to the fixture or found when reading the store back. */
  private readonly seen = new Set<string>();
  /** Violations by kind, each with every instance in a sentence. */
  private readonly violations = new Map<string, string[]>();
  readonly counts: Counts = { sendAcks: 0, deleteAcks: 0, receives: 0, redeliveries: 0, staleDeletes: 0 };

  constructor(readonly visibilityMs: number) {}

  /** Applies one line of the fixture's protocol, written during `cycle`. */
  apply(line: string, cycle: number): void {
    const [kind, body = "", a = "", b = "", c = ""] = line.split(" ");
    switch (kind) {
      case "S":
        return this.onSend(body, a);
      case "R":
        return this.onReceive(body, { start: Number(a), end: Number(b), cycle }, c);
      case "X":
        return this.onDeleteAsked(body, Number(a));
      case "D":
        return this.onDelete(body, Number(a), Number(b));
      default:
        this.fail("the load fixture reported a failure", `cycle ${cycle}: "${line}"`);
    }
  }

  private onSend(body: string, messageId: string): void {
    this.counts.sendAcks++;
    if (this.sent.has(body)) this.fail("a send was acknowledged twice", body);
    this.sent.set(body, messageId);
    this.checkId(body, messageId, "send");
  }

  private onReceive(body: string, r: Receive, messageId: string): void {
    this.counts.receives++;
    this.checkId(body, messageId, "receive");
    const deletedAt = this.deleted.get(body);
    if (deletedAt !== undefined) {
      if (r.start > deletedAt) {
        this.fail(
          "an acknowledged delete came back during the load",
          `cycle ${r.cycle}: ${body} was received (call started ${r.start}) after its delete was acknowledged at ${deletedAt}`,
        );
      } else {
        // This receive overlapped the delete: the delete may have used a stale handle.
        this.deleted.delete(body);
        this.counts.staleDeletes++;
      }
    }
    const prev = this.inFlight.get(body);
    if (prev) {
      this.counts.redeliveries++;
      if (prev.start + this.visibilityMs > r.end) {
        this.fail(
          "a message was received again before its visibility timeout ended",
          `cycle ${r.cycle}: ${body} was received again (resolved ${r.end}) while in flight from the receive that ` +
            `started ${prev.start} in cycle ${prev.cycle} (visible no earlier than ${prev.start + this.visibilityMs})`,
        );
      }
    } else if (this.everReceived.has(body)) {
      this.counts.redeliveries++;
    }
    this.everReceived.set(body, messageId);
    this.seen.add(body);
    this.inFlight.set(body, r);
    // The message was there for this receive, so no delete asked for earlier removed it.
    this.deleteAsked.delete(body);
  }

  private onDeleteAsked(body: string, receiveStart: number): void {
    // Only a delete with the latest handle can remove the message; an older one is a no-op.
    if (this.inFlight.get(body)?.start === receiveStart) this.deleteAsked.add(body);
  }

  private onDelete(body: string, ackAt: number, receiveStart: number): void {
    this.counts.deleteAcks++;
    const latest = this.inFlight.get(body);
    if (latest && latest.start !== receiveStart) {
      // A later receive replaced the handle this delete used: SQS may keep the message.
      this.counts.staleDeletes++;
      return;
    }
    this.deleted.set(body, ackAt);
    this.inFlight.delete(body);
  }

  private checkId(body: string, messageId: string, what: string): void {
    const known = this.sent.get(body) ?? this.everReceived.get(body);
    if (known !== undefined && known !== messageId) {
      this.fail("a message's MessageId changed", `${body}: ${what} reported ${messageId}, earlier ${known}`);
    }
  }

  /** The message is visible again now (the test changed its visibility to 0). */
  release(body: string): void {
    this.inFlight.delete(body);
  }

  /**
   * Checks messages read from a restarted store (visible ones only). Returns the bodies
   * that no acknowledged send accounts for (sends that committed but whose
   * acknowledgement the kill cut off).
   */
  checkVisible(seen: readonly Seen[], phase: string, lastCycle: number): string[] {
    const extras: string[] = [];
    const counted = new Set<string>();
    for (const m of seen) {
      if (counted.has(m.body)) this.fail("a message is stored more than once", `${phase}: ${m.body} was returned twice`);
      counted.add(m.body);
      this.seen.add(m.body);
      this.checkId(m.body, m.messageId, phase);
      const deletedAt = this.deleted.get(m.body);
      if (deletedAt !== undefined) {
        this.fail("an acknowledged delete came back after a restart", `${phase}: ${m.body} (delete acknowledged at ${deletedAt})`);
      }
      const r = this.inFlight.get(m.body);
      if (r && r.start + this.visibilityMs > m.seenBy) {
        this.fail(
          "an in-flight message was visible after a restart before its visibility timeout ended",
          `${phase}: ${m.body} was visible by ${m.seenBy}, but the receive that started ${r.start} in cycle ${r.cycle} ` +
            `hid it until at least ${r.start + this.visibilityMs}`,
        );
      }
      if (!this.sent.has(m.body)) {
        const match = BODY.exec(m.body);
        if (!match || Number(match[1]) > lastCycle) this.fail("a message nobody sent is in the queue", `${phase}: ${m.body}`);
        extras.push(m.body);
      }
    }
    return extras;
  }

  /**
   * Bodies a receive returned and that are still hidden at `at` by that receive: they
   * must not be visible at `at`. Only messages whose delete was never asked for count,
   * so every one of them must come back once the timeout has passed.
   */
  hiddenAt(at: number): string[] {
    const out: string[] = [];
    for (const [body, r] of this.inFlight) {
      if (r.start + this.visibilityMs > at && !this.deleteAsked.has(body)) out.push(body);
    }
    return out;
  }

  /**
   * After every visibility timeout has passed, `seen` must be the whole queue: every
   * acknowledged send (or received message) whose delete was never asked for is there
   * exactly once; those whose delete was asked but not acknowledged may be gone.
   */
  checkComplete(seen: readonly Seen[], phase: string): void {
    const present = new Set(seen.map((m) => m.body));
    for (const body of new Set([...this.sent.keys(), ...this.everReceived.keys()])) {
      if (this.deleted.has(body) || this.deleteAsked.has(body) || present.has(body)) continue;
      this.fail("an acknowledged message is lost", `${phase}: ${body} (${this.describe(body)})`);
    }
  }

  /**
   * Messages in the queue whose send was never acknowledged can only come from the calls
   * in progress at a kill: at most `perCycle` per cycle. More means the fixture's log
   * is incomplete, and every other check of that run is unsound.
   */
  checkUnacknowledgedSends(perCycle: number): void {
    const byCycle = new Map<string, string[]>();
    for (const body of this.seen) {
      if (this.sent.has(body)) continue;
      const cycle = BODY.exec(body)?.[1] ?? "?";
      byCycle.set(cycle, [...(byCycle.get(cycle) ?? []), body]);
    }
    for (const [cycle, bodies] of byCycle) {
      if (bodies.length <= perCycle) continue;
      this.fail(
        "the fixture's log misses acknowledgements (more unacknowledged sends than calls in progress)",
        `cycle ${cycle}: ${bodies.length} messages without an acknowledged send (at most ${perCycle}), e.g. ${bodies.slice(0, 5).join(", ")}`,
      );
    }
  }

  fail(kind: string, instance: string): void {
    const list = this.violations.get(kind);
    if (list) list.push(instance);
    else this.violations.set(kind, [instance]);
  }

  /** Every kind of violation with how often it happened and a few instances; empty when all held. */
  report(samples = 5): string[] {
    return [...this.violations].map(
      ([kind, all]) => `${kind}: ${all.length} times, e.g.\n    ${all.slice(0, samples).join("\n    ")}`,
    );
  }

  /** What the ledger knows about a body, for failure messages. */
  describe(body: string): string {
    const parts = [this.sent.has(body) ? "send acknowledged" : "send not acknowledged"];
    const r = this.inFlight.get(body);
    if (r) parts.push(`last received ${r.start}..${r.end} in cycle ${r.cycle}`);
    else if (this.everReceived.has(body)) parts.push("received before");
    if (this.deleteAsked.has(body)) parts.push("delete asked");
    return parts.join(", ");
  }
}
