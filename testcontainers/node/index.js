// The eci-emulator container for Testcontainers for Node.js: starts the image, waits on its health
// route, and hands the official SDKs an endpoint, a region and a key pair, plus the side-API calls a
// test needs (reset, faults, the clock, the request journal).
"use strict";

const fs = require("node:fs");
const { AbstractStartedContainer, GenericContainer, Wait } = require("testcontainers");

const DEFAULT_IMAGE = "eci-emulator:latest";
const PORT = 8080;
// Where the image keeps state when ECI_EMULATOR_STATE_DIR names it; owned by the image's user.
const STATE_DIR = "/data";
// Files copied in go to the root, the one folder a scratch image is sure to have.
const FIXTURES_FILE = "/eci-fixtures.json";
const FAULTS_FILE = "/eci-faults.json";
// Accepted unchecked unless withCredentials is given: the emulator then takes any key pair.
const DEFAULT_ACCESS_KEY_ID = "LTAI5tTestcontainers";
const DEFAULT_ACCESS_KEY_SECRET = "testcontainers-secret";

/** A side-API call the emulator refused: its status and the error it gave. */
class SideApiError extends Error {
  constructor(status, body) {
    super(`side API answered ${status}: ${body}`);
    this.name = "SideApiError";
    this.status = status;
    this.body = body;
  }
}

class EciEmulatorContainer extends GenericContainer {
  constructor(image = DEFAULT_IMAGE) {
    super(image);
    this.region = "cn-hangzhou";
    this.accessKeyId = DEFAULT_ACCESS_KEY_ID;
    this.accessKeySecret = DEFAULT_ACCESS_KEY_SECRET;
    this.withExposedPorts(PORT)
      .withWaitStrategy(Wait.forHttp("/_emulator/health", PORT).forStatusCode(200))
      .withStartupTimeout(30_000);
  }

  /** Has signatures verified for this key pair (any other is refused), and hands it out. */
  withCredentials(accessKeyId, accessKeySecret) {
    this.accessKeyId = accessKeyId;
    this.accessKeySecret = accessKeySecret;
    return this.withEnvironment({ ECI_EMULATOR_CREDENTIALS: `${accessKeyId}:${accessKeySecret}` });
  }

  /** How groups move through their statuses: "time" (the default), "immediate" or "manual". */
  withLifecycle(policy) {
    return this.withEnvironment({ ECI_EMULATOR_LIFECYCLE: policy });
  }

  /** Makes ids, addresses and injected randomness the same on every run. */
  withSeed(seed) {
    return this.withEnvironment({ ECI_EMULATOR_SEED: String(seed) });
  }

  /** The region handed to clients (the emulator serves every region). */
  withRegion(region) {
    this.region = region;
    return this;
  }

  /** Starts with a fixture document (a file's path, or the document itself) applied. */
  withFixtures(document) {
    return this.withCopyContentToContainer([{ content: contentOf(document), target: FIXTURES_FILE, mode: 0o644 }])
      .withEnvironment({ ECI_EMULATOR_FIXTURES: FIXTURES_FILE });
  }

  /** Starts with the fault rules of a faults file (a file's path, or the document itself). */
  withFaults(document) {
    return this.withCopyContentToContainer([{ content: contentOf(document), target: FAULTS_FILE, mode: 0o644 }])
      .withEnvironment({ ECI_EMULATOR_FAULTS: FAULTS_FILE });
  }

  /** Keeps state in the named Docker volume: a later container on it finds every group. */
  withStateVolume(volume) {
    return this.withBindMounts([{ source: volume, target: STATE_DIR, mode: "rw" }])
      .withEnvironment({ ECI_EMULATOR_STATE_DIR: STATE_DIR });
  }

  async start() {
    const started = await super.start();
    return new StartedEciEmulatorContainer(started, this.region, this.accessKeyId, this.accessKeySecret);
  }
}

class StartedEciEmulatorContainer extends AbstractStartedContainer {
  constructor(started, region, accessKeyId, accessKeySecret) {
    super(started);
    this.region = region;
    this.accessKeyId = accessKeyId;
    this.accessKeySecret = accessKeySecret;
  }

  /** `host:port`, as the SDKs' `endpoint` setting takes it (with `protocol: "HTTP"`). */
  getEndpoint() {
    return `${this.getHost()}:${this.getMappedPort(PORT)}`;
  }

  getUrl() {
    return `http://${this.getEndpoint()}`;
  }

  getRegion() {
    return this.region;
  }

  getAccessKeyId() {
    return this.accessKeyId;
  }

  getAccessKeySecret() {
    return this.accessKeySecret;
  }

  /** Drops every resource; the start fixtures and fault files apply again. */
  async reset() {
    await this.sideApi("POST", "/_emulator/reset", {});
  }

  /** Adds a fault rule (`{action, code}`) and answers its id. */
  async addFault(rule) {
    return (await this.sideApi("POST", "/_emulator/faults", rule)).id;
  }

  /** Moves the emulator's clock forward; what falls due meanwhile happens, each at its time. */
  async advanceClock(seconds) {
    return this.sideApi("POST", "/_emulator/clock", { advanceSeconds: seconds });
  }

  /** The journaled calls, oldest first, filtered by action, product, account, region or code. */
  async calls(filters = {}) {
    const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== undefined));
    const path = "/_emulator/calls" + (query.size ? `?${query}` : "");
    return (await this.sideApi("GET", path)).calls;
  }

  /** Empties the request journal (reset leaves it). */
  async clearCalls() {
    await this.sideApi("DELETE", "/_emulator/calls");
  }

  async sideApi(method, path, document) {
    const init = { method };
    if (document !== undefined) {
      init.body = JSON.stringify(document);
      init.headers = { "Content-Type": "application/json" };
    }
    const answer = await fetch(this.getUrl() + path, init);
    const text = await answer.text();
    if (!answer.ok) {
      throw new SideApiError(answer.status, text);
    }
    return text ? JSON.parse(text) : null;
  }
}

function contentOf(document) {
  return typeof document === "string" ? fs.readFileSync(document, "utf8") : JSON.stringify(document);
}

module.exports = { EciEmulatorContainer, StartedEciEmulatorContainer, SideApiError };
