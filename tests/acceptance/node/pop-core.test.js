// @alicloud/pop-core (HMAC-SHA1 v1.0, GET or POST with every parameter in a form body).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const { startEmulator, WEIRD } = require('./emulator');

const REGION = 'cn-hangzhou';
let open;
let strict;

before(async () => {
  open = await startEmulator();
  strict = await startEmulator('--credentials', 'LTAI5tPop:pop-secret');
});

after(() => {
  open.stop();
  strict.stop();
});

function client(emulator, ak = 'LTAI5tPopOpen', secret = 'x') {
  return new RPCClient({ accessKeyId: ak, accessKeySecret: secret, endpoint: `http://${emulator.endpoint}`, apiVersion: '2018-08-08' });
}

const createParams = (name) => ({
  RegionId: REGION,
  ContainerGroupName: name,
  'Container.1.Name': 'c1',
  'Container.1.Image': WEIRD,
  'Tag.1.Key': 'w',
  'Tag.1.Value': WEIRD,
});

for (const method of ['GET', 'POST']) {
  test(`create, read back, page and delete over ${method}`, async () => {
    const c = client(open, `LTAI5tPop${method}`);
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const created = await c.request('CreateContainerGroup', createParams(`pop-${method.toLowerCase()}-${i}`), { method });
      ids.push(created.ContainerGroupId);
    }
    const one = await c.request('DescribeContainerGroups', { RegionId: REGION, ContainerGroupIds: JSON.stringify([ids[1]]) }, { method });
    assert.equal(one.TotalCount, 1);
    assert.equal(one.ContainerGroups[0].Containers[0].Image, WEIRD);
    const tags = one.ContainerGroups[0].Tags;
    assert.equal(tags.length, 1);
    assert.equal(tags[0].Key, 'w');
    assert.equal(tags[0].Value, WEIRD);

    const seen = [];
    let token = '';
    do {
      const params = { RegionId: REGION, Limit: 2 };
      if (token) params.NextToken = token;
      const page = await c.request('DescribeContainerGroups', params, { method });
      seen.push(...page.ContainerGroups.map((g) => g.ContainerGroupId));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, [...ids].reverse());

    await c.request('DeleteContainerGroup', { RegionId: REGION, ContainerGroupId: ids[1] }, { method });
    await assert.rejects(c.request('DeleteContainerGroup', { RegionId: REGION, ContainerGroupId: ids[1] }, { method }), (err) => {
      assert.equal(err.code, 'InvalidParameter.NotFound');
      assert.equal(err.entry.response.statusCode, 404);
      assert.match(err.data.RequestId, /^[0-9A-F-]{36}$/);
      return true;
    });
  });
}

test('strict mode with the right and a wrong secret', async () => {
  const good = client(strict, 'LTAI5tPop', 'pop-secret');
  const created = await good.request('CreateContainerGroup', createParams('pop-strict'), { method: 'POST' });
  const found = await good.request('DescribeContainerGroups', { RegionId: REGION, ContainerGroupIds: JSON.stringify([created.ContainerGroupId]) });
  assert.equal(found.TotalCount, 1);
  await assert.rejects(client(strict, 'LTAI5tPop', 'wrong').request('DescribeContainerGroups', { RegionId: REGION }), (err) => {
    assert.equal(err.code, 'SignatureDoesNotMatch');
    assert.equal(err.entry.response.statusCode, 400);
    return true;
  });
});
