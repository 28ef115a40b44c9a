// Types of the eci-emulator container for Testcontainers for Node.js.
import { AbstractStartedContainer, GenericContainer, StartedTestContainer } from "testcontainers";

export type LifecyclePolicy = "time" | "immediate" | "manual";

/** A fault rule as the side API takes it (see the project's docs/faults.md). */
export interface FaultRule {
  action?: string;
  code?: string;
  [field: string]: unknown;
}

export interface CallFilters {
  action?: string;
  product?: string;
  account?: string;
  region?: string;
  code?: string;
  since?: string;
  limit?: number;
}

export declare class SideApiError extends Error {
  readonly status: number;
  readonly body: string;
}

export declare class EciEmulatorContainer extends GenericContainer {
  constructor(image?: string);
  withCredentials(accessKeyId: string, accessKeySecret: string): this;
  withLifecycle(policy: LifecyclePolicy): this;
  withSeed(seed: number): this;
  withRegion(region: string): this;
  withFixtures(document: string | object): this;
  withFaults(document: string | object): this;
  withStateVolume(volume: string): this;
  start(): Promise<StartedEciEmulatorContainer>;
}

export declare class StartedEciEmulatorContainer extends AbstractStartedContainer {
  constructor(started: StartedTestContainer, region: string, accessKeyId: string, accessKeySecret: string);
  getEndpoint(): string;
  getUrl(): string;
  getRegion(): string;
  getAccessKeyId(): string;
  getAccessKeySecret(): string;
  reset(): Promise<void>;
  addFault(rule: FaultRule): Promise<string>;
  advanceClock(seconds: number): Promise<{ now: string; frozen: boolean }>;
  calls(filters?: CallFilters): Promise<Array<Record<string, unknown>>>;
  clearCalls(): Promise<void>;
}
