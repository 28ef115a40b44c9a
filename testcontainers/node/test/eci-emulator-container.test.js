// The module's example tests: the official Node SDK (@alicloud/eci20180808) against an
// EciEmulatorContainer under a real Docker engine (ECI_EMULATOR_IMAGE names the image).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { randomUUID } = require("node:crypto");
const Eci = require("@alicloud/eci20180808");
const OpenApi = require("@alicloud/openapi-client");
const { getContainerRuntimeClient } = require("testcontainers");
const { EciEmulatorContainer, SideApiError } = require("..");

const IMAGE = process.env.ECI_EMULATOR_IMAGE || "eci-emulator:latest";
const NETWORK = {
  vpcs: [{ vpcId: "vpc-tc", regionId: "cn-hangzhou", cidrBlock: "10.30.0.0/16" }],
  vSwitches: [{ vSwitchId: "vsw-tc", vpcId: "vpc-tc", zoneId: "cn-hangzhou-b", cidrBlock: "10.30.7.0/24" }],
  securityGroups: [{ securityGroupId: "sg-tc", vpcId: "vpc-tc" }],
};

function client(emulator, secret = emulator.getAccessKeySecret()) {
  return new Eci.default(new OpenApi.Config({
    accessKeyId: emulator.getAccessKeyId(),
    accessKeySecret: secret,
    endpoint: emulator.getEndpoint(),
    protocol: "HTTP",
    regionId: emulator.getRegion(),
  }));
}

async function create(eci, name, extra = {}) {
  const request = new Eci.CreateContainerGroupRequest({
    regionId: "cn-hangzhou",
    containerGroupName: name,
    container: [new Eci.CreateContainerGroupRequestContainer({ name: "web", image: "nginx:1.25" })],
    ...extra,
  });
  return (await eci.createContainerGroup(request)).body.containerGroupId;
}

async function describe(eci, id) {
  const request = new Eci.DescribeContainerGroupsRequest({ regionId: "cn-hangzhou", containerGroupIds: JSON.stringify([id]) });
  return (await eci.describeContainerGroups(request)).body.containerGroups;
}

async function refusal(promise) {
  try {
    await promise;
  } catch (err) {
    return err.code;
  }
  assert.fail("the call was not refused");
}

test("the SDK creates on a fixture network with signatures verified", async () => {
  const started = Date.now();
  const emulator = await new EciEmulatorContainer(IMAGE)
    .withCredentials("LTAI5tNodeModule", "node-module-secret")
    .withLifecycle("immediate")
    .withSeed(11)
    .withFixtures(NETWORK)
    .start();
  try {
    console.log(`container start to healthy: ${((Date.now() - started) / 1000).toFixed(2)} s`);
    const eci = client(emulator);
    const id = await create(eci, "on-my-network", { vSwitchId: "vsw-tc", securityGroupId: "sg-tc" });
    const [group] = await describe(eci, id);
    assert.equal(group.status, "Running");
    assert.match(group.intranetIp, /^10\.30\.7\./);
    assert.deepEqual((await emulator.calls()).map((call) => call.action), ["CreateContainerGroup", "DescribeContainerGroups"]);
    assert.equal(await refusal(create(client(emulator, "wrong-secret"), "forged")), "SignatureDoesNotMatch");
    await emulator.reset();
    assert.deepEqual(await describe(eci, id), []);
  } finally {
    await emulator.stop();
  }
});

test("faults from a file and at run time", async () => {
  const rule = { action: "DeleteContainerGroup", code: "OperationConflict", times: 1 };
  const emulator = await new EciEmulatorContainer(IMAGE).withLifecycle("immediate").withFaults({ rules: [rule] }).start();
  try {
    const eci = client(emulator);
    assert.match(await emulator.addFault({ action: "CreateContainerGroup", code: "Throttling", times: 1 }), /^fault-/);
    assert.equal(await refusal(create(eci, "throttled")), "Throttling");
    const id = await create(eci, "second-try");
    const deletion = eci.deleteContainerGroup(new Eci.DeleteContainerGroupRequest({ regionId: "cn-hangzhou", containerGroupId: id }));
    assert.equal(await refusal(deletion), "OperationConflict");
    assert.deepEqual((await emulator.calls({ action: "CreateContainerGroup", code: "OK" })).map((call) => call.status), [200]);
    await assert.rejects(emulator.addFault({ action: "CreateContainerGroup", code: "NoSuchCode" }), (err) => err instanceof SideApiError && err.status === 400);
  } finally {
    await emulator.stop();
  }
});

test("a frozen clock moves groups only when advanced", async () => {
  const emulator = await new EciEmulatorContainer(IMAGE).withEnvironment({ ECI_EMULATOR_CLOCK: "frozen" }).start();
  try {
    const eci = client(emulator);
    const id = await create(eci, "waits-for-the-clock");
    assert.equal((await describe(eci, id))[0].status, "Scheduling");
    await emulator.advanceClock(60);
    assert.equal((await describe(eci, id))[0].status, "Running");
  } finally {
    await emulator.stop();
  }
});

test("a state volume carries groups to the next container", async () => {
  const volume = `eci-tc-node-${randomUUID().slice(0, 8)}`;
  try {
    const first = await new EciEmulatorContainer(IMAGE).withStateVolume(volume).withLifecycle("immediate").start();
    const id = await create(client(first), "kept");
    await first.stop();
    const second = await new EciEmulatorContainer(IMAGE).withStateVolume(volume).start();
    try {
      assert.deepEqual((await describe(client(second), id)).map((group) => group.containerGroupName), ["kept"]);
    } finally {
      await second.stop();
    }
  } finally {
    const runtime = await getContainerRuntimeClient();
    await runtime.container.dockerode.getVolume(volume).remove({ force: true });
  }
});
