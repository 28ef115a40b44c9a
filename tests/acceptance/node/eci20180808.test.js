// The official Node SDK @alicloud/eci20180808 against the running emulator, ACS3 (default) and v2 signing.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Eci = require('@alicloud/eci20180808');
const OpenApi = require('@alicloud/openapi-client');
const { startEmulator, WEIRD } = require('./emulator');

const Client = Eci.default;
const REGION = 'cn-hangzhou';
let open;
let strict;

before(async () => {
  open = await startEmulator();
  strict = await startEmulator('--credentials', 'LTAI5tNodeStrict:node/secret+=1:acct-node');
});

after(() => {
  open.stop();
  strict.stop();
});

function client(emulator, { ak = 'LTAI5tNodeOpen', secret = 'x', algorithm } = {}) {
  const config = new OpenApi.Config({ accessKeyId: ak, accessKeySecret: secret, endpoint: emulator.endpoint, protocol: 'http', regionId: REGION });
  if (algorithm) config.signatureAlgorithm = algorithm;
  return new Client(config);
}

function createRequest(name) {
  return new Eci.CreateContainerGroupRequest({
    regionId: REGION,
    containerGroupName: name,
    container: [
      new Eci.CreateContainerGroupRequestContainer({
        name: 'app',
        image: 'nginx:1.25',
        cpu: 0.25,
        memory: 0.5,
        command: ['echo', WEIRD],
        environmentVar: [new Eci.CreateContainerGroupRequestContainerEnvironmentVar({ key: 'W', value: WEIRD })],
      }),
    ],
    tag: [new Eci.CreateContainerGroupRequestTag({ key: 'k', value: WEIRD })],
  });
}

for (const algorithm of [undefined, 'v2']) {
  const label = algorithm || 'acs3';

  test(`create, read back, page and delete (${label})`, async () => {
    const c = client(open, { ak: `LTAI5tNode-${label}`, algorithm });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const created = await c.createContainerGroup(createRequest(`node-${label}-${i}`));
      assert.equal(created.statusCode, 200);
      assert.match(created.body.containerGroupId, /^eci-bp1[0-9a-z]{17}$/);
      ids.push(created.body.containerGroupId);
    }
    const one = await c.describeContainerGroups(new Eci.DescribeContainerGroupsRequest({ regionId: REGION, containerGroupIds: JSON.stringify([ids[0]]) }));
    const g = one.body.containerGroups[0];
    assert.equal(g.containerGroupName, `node-${label}-0`);
    assert.deepEqual(g.containers[0].commands, ['echo', WEIRD]);
    assert.equal(g.containers[0].environmentVars[0].value, WEIRD);
    assert.equal(g.tags[0].value, WEIRD);
    assert.equal(g.status, 'Running');

    const seen = [];
    let token;
    do {
      const page = await c.describeContainerGroups(new Eci.DescribeContainerGroupsRequest({ regionId: REGION, limit: 2, nextToken: token }));
      assert.equal(page.body.totalCount, 3);
      seen.push(...page.body.containerGroups.map((x) => x.containerGroupId));
      token = page.body.nextToken;
    } while (token);
    assert.deepEqual(seen, [...ids].reverse());

    await c.deleteContainerGroup(new Eci.DeleteContainerGroupRequest({ regionId: REGION, containerGroupId: ids[0] }));
    await assert.rejects(
      c.deleteContainerGroup(new Eci.DeleteContainerGroupRequest({ regionId: REGION, containerGroupId: ids[0] })),
      (err) => {
        assert.equal(err.code, 'InvalidParameter.NotFound');
        assert.equal(err.statusCode, 404);
        assert.match(err.message, new RegExp(ids[0]));
        return true;
      },
    );
  });

  test(`strict mode: right secret works, wrong secret and unknown key refused (${label})`, async () => {
    const good = client(strict, { ak: 'LTAI5tNodeStrict', secret: 'node/secret+=1', algorithm });
    const id = (await good.createContainerGroup(createRequest(`node-strict-${label}`))).body.containerGroupId;
    const state = await strict.state();
    assert.ok(state.partitions.some((p) => p.account === 'acct-node' && p.containerGroups.some((x) => x.ContainerGroupId === id)));
    const wrong = client(strict, { ak: 'LTAI5tNodeStrict', secret: 'wrong', algorithm });
    await assert.rejects(wrong.describeContainerGroups(new Eci.DescribeContainerGroupsRequest({ regionId: REGION })), (err) => {
      assert.equal(err.code, 'SignatureDoesNotMatch');
      assert.equal(err.statusCode, 400);
      return true;
    });
    const unknown = client(strict, { ak: 'LTAI5tNobody', secret: 'x', algorithm });
    await assert.rejects(unknown.describeContainerGroups(new Eci.DescribeContainerGroupsRequest({ regionId: REGION })), (err) => {
      assert.equal(err.code, 'InvalidAccessKeyId.NotFound');
      assert.equal(err.statusCode, 404);
      return true;
    });
  });
}

test('a documented error surfaces with code, status and request id', async () => {
  const c = client(open);
  const bad = createRequest('dup-names');
  bad.container.push(bad.container[0]);
  await assert.rejects(c.createContainerGroup(bad), (err) => {
    assert.equal(err.code, 'InvalidParameter.DuplicatedName');
    assert.equal(err.statusCode, 400);
    assert.match(err.data.RequestId, /^[0-9A-F-]{36}$/);
    return true;
  });
});
