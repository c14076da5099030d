/** Event source mapping shapes, by Lambda's member names. */
import type { MappingSettings } from "./store.js";

export interface CreateEventSourceMappingInput extends Partial<MappingSettings> {
  FunctionName: string;
  EventSourceArn?: string;
  /** @default true */
  Enabled?: boolean;
}

export interface UpdateEventSourceMappingInput extends Partial<MappingSettings> {
  UUID: string;
  FunctionName?: string;
  Enabled?: boolean;
}

export interface EventSourceMappingConfiguration extends Partial<MappingSettings> {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  LastModified: number;
  State: string;
  StateTransitionReason: string;
  LastProcessingResult?: string;
}

export interface ListEventSourceMappingsInput {
  FunctionName?: string;
  EventSourceArn?: string;
  Marker?: string;
  MaxItems?: number;
}
