// Fault rules and rate limits as the official Node SDKs meet them: @alicloud/eci20180808 and @alicloud/pop-core.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const Eci = require('@alicloud/eci20180808');
const OpenApi = require('@alicloud/openapi-client');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const { startEmulator } = require('./emulator');

const REGION = 'cn-hangzhou';
let emu;

before(async () => {
  emu = await startEmulator('--rate-limit', 'ListUsage=1/min');
});

after(() => emu.stop());

function sideApi(method, path, document) {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://${emu.endpoint}${path}`, { method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(document === undefined ? undefined : JSON.stringify(document));
  });
}

function eci() {
  const config = new OpenApi.Config({ accessKeyId: 'LTAI5tNodeFaults', accessKeySecret: 'x', endpoint: emu.endpoint, protocol: 'http', regionId: REGION });
  return new Eci.default(config);
}

const createRequest = (name) =>
  new Eci.CreateContainerGroupRequest({
    regionId: REGION,
    containerGroupName: name,
    container: [new Eci.CreateContainerGroupRequestContainer({ name: 'app', image: 'nginx' })],
  });

test('a one-shot NoStock rule fails one create with the documented status and message', async () => {
  const added = await sideApi('POST', '/_emulator/faults', { action: 'CreateContainerGroup', code: 'OperationDenied.NoStock', times: 1 });
  assert.equal(added.status, 201);
  await assert.rejects(eci().createContainerGroup(createRequest('no-stock')), (err) => {
    assert.equal(err.code, 'OperationDenied.NoStock');
    assert.equal(err.statusCode, 403);
    assert.match(err.data.Message, /^Sales of this resource are temporarily suspended in the specified zone/);
    return true;
  });
  const created = await eci().createContainerGroup(createRequest('has-stock'));
  assert.match(created.body.containerGroupId, /^eci-/);
});

test('pop-core sees a phase-after 503 while the group is made', async () => {
  await sideApi('POST', '/_emulator/faults', { action: 'CreateContainerGroup', code: 'ServiceUnavailable', phase: 'after', times: 1 });
  const pop = new RPCClient({ accessKeyId: 'LTAI5tNodeFaults', accessKeySecret: 'x', endpoint: `http://${emu.endpoint}`, apiVersion: '2018-08-08' });
  const params = { RegionId: REGION, ContainerGroupName: 'made-anyway', 'Container.1.Name': 'a', 'Container.1.Image': 'nginx' };
  await assert.rejects(pop.request('CreateContainerGroup', params, { method: 'POST' }), (err) => {
    assert.equal(err.code, 'ServiceUnavailable');
    assert.equal(err.data.Code, 'ServiceUnavailable');
    return true;
  });
  const found = await pop.request('DescribeContainerGroups', { RegionId: REGION, ContainerGroupName: 'made-anyway' });
  assert.equal(found.TotalCount, 1);
});

test('a reset rule is a transport error, not an API error', async () => {
  await sideApi('POST', '/_emulator/faults', { action: 'DescribeContainerGroups', effect: 'reset', times: 1 });
  await assert.rejects(eci().describeContainerGroups(new Eci.DescribeContainerGroupsRequest({ regionId: REGION })), (err) => {
    assert.equal(err.data, undefined, `no API body: ${err}`);
    return true;
  });
});

test('a rate limit answers Throttling.User, and the side API shows the limit', async () => {
  const usage = new Eci.ListUsageRequest({ regionId: REGION });
  await eci().listUsage(usage);
  await assert.rejects(eci().listUsage(usage), (err) => {
    assert.equal(err.code, 'Throttling.User');
    assert.equal(err.statusCode, 400);
    return true;
  });
  const limits = await sideApi('GET', '/_emulator/throttling');
  assert.deepEqual(limits.body.limits, [{ action: 'ListUsage', limit: 1, per: 'minute' }]);
});
