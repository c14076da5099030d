/** What queues report to the metrics registry, per queue. */
import type { MetricsRegistry } from "../../core/metrics.js";

export interface QueueMetrics {
  sent(queue: string, n: number): void;
  received(queue: string, n: number): void;
  deleted(queue: string, n: number): void;
  deadLettered(queue: string, n: number): void;
  expired(queue: string, n: number): void;
}

export function queueMetrics(registry: MetricsRegistry): QueueMetrics {
  const sent = registry.counter("sluice_queue_messages_sent_total", "Messages accepted by SendMessage(Batch).");
  const received = registry.counter("sluice_queue_messages_received_total", "Messages delivered by ReceiveMessage.");
  const deleted = registry.counter("sluice_queue_messages_deleted_total", "Messages deleted by consumers.");
  const dead = registry.counter("sluice_queue_messages_dead_lettered_total", "Messages moved to a dead-letter queue by maxReceiveCount.");
  const expired = registry.counter("sluice_queue_messages_expired_total", "Messages dropped at the end of their retention period.");
  const add = (c: typeof sent) => (queue: string, n: number): void => {
    if (n > 0) c.inc({ queue }, n);
  };
  return { sent: add(sent), received: add(received), deleted: add(deleted), deadLettered: add(dead), expired: add(expired) };
}
