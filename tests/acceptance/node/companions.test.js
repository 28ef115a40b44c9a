// The companion products through the official Node SDKs (@alicloud/vpc20160428, @alicloud/ecs20140526,
// @alicloud/sts20150401, on @alicloud/openapi-core), ACS3 (default) and v2 signing: a flow that makes its
// network, places a group on it, binds an EIP and tears it down in reverse with the dependency errors.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Vpc = require('@alicloud/vpc20160428');
const Ecs = require('@alicloud/ecs20140526');
const Sts = require('@alicloud/sts20150401');
const Eci = require('@alicloud/eci20180808');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const OpenApi = require('@alicloud/openapi-client');
const { startEmulator } = require('./emulator');

const REGION = 'cn-hangzhou';
const ZONE = 'cn-hangzhou-k';
let open;
let strict;

before(async () => {
  open = await startEmulator();
  strict = await startEmulator('--credentials', 'LTAI5tNodeNet:net/secret+=2:acct-node-net');
});

after(() => {
  open.stop();
  strict.stop();
});

function clients(emulator, { ak = 'LTAI5tNodeNetwork', secret = 'x', algorithm } = {}) {
  const options = { accessKeyId: ak, accessKeySecret: secret, endpoint: emulator.endpoint, protocol: 'http', regionId: REGION };
  const config = new $OpenApiUtil.Config(options);
  const eciConfig = new OpenApi.Config(options);
  if (algorithm) {
    config.signatureAlgorithm = algorithm;
    eciConfig.signatureAlgorithm = algorithm;
  }
  return {
    vpc: new Vpc.default(config),
    ecs: new Ecs.default(config),
    sts: new Sts.default(config),
    eci: new Eci.default(eciConfig),
  };
}

async function refused(promise) {
  try {
    await promise;
  } catch (err) {
    return { code: err.code, status: err.statusCode, message: err.message };
  }
  assert.fail('the call was not refused');
}

for (const algorithm of [undefined, 'v2']) {
  test(`a network flow with ${algorithm || 'ACS3'} signing`, async () => {
    const c = clients(open, { algorithm });
    const vpc = (await c.vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: REGION, cidrBlock: '172.16.0.0/16', vpcName: 'node-vpc' }))).body;
    assert.match(vpc.vpcId, /^vpc-bp1/);
    const attribute = (await c.vpc.describeVpcAttribute(new Vpc.DescribeVpcAttributeRequest({ regionId: REGION, vpcId: vpc.vpcId }))).body;
    assert.match(vpc.VRouterId, /^vrt-/);
    assert.deepEqual([attribute.status, attribute.vpcName, attribute.VRouterId], ['Available', 'node-vpc', vpc.VRouterId]);
    const vsw = (await c.vpc.createVSwitch(new Vpc.CreateVSwitchRequest({ regionId: REGION, vpcId: vpc.vpcId, zoneId: ZONE, cidrBlock: '172.16.8.0/22' }))).body.vSwitchId;
    const sg = (await c.ecs.createSecurityGroup(new Ecs.CreateSecurityGroupRequest({ regionId: REGION, vpcId: vpc.vpcId, securityGroupName: 'node-sg' }))).body.securityGroupId;
    await c.ecs.authorizeSecurityGroup(new Ecs.AuthorizeSecurityGroupRequest({ regionId: REGION, securityGroupId: sg, ipProtocol: 'tcp', portRange: '443/443', sourceCidrIp: '0.0.0.0/0' }));
    const free = async () => (await c.vpc.describeVSwitchAttributes(new Vpc.DescribeVSwitchAttributesRequest({ regionId: REGION, vSwitchId: vsw }))).body.availableIpAddressCount;
    assert.equal(await free(), 1020);

    const container = new Eci.CreateContainerGroupRequestContainer({ name: 'app', image: 'nginx:1.25', cpu: 1, memory: 2 });
    const created = await c.eci.createContainerGroup(new Eci.CreateContainerGroupRequest({
      regionId: REGION, containerGroupName: 'node-on-vsw', container: [container], vSwitchId: vsw, securityGroupId: sg,
    }));
    const groupId = created.body.containerGroupId;
    const describeGroup = async () => (await c.eci.describeContainerGroups(new Eci.DescribeContainerGroupsRequest({
      regionId: REGION, containerGroupIds: JSON.stringify([groupId]),
    }))).body.containerGroups[0];
    const group = await describeGroup();
    assert.deepEqual([group.vSwitchId, group.zoneId], [vsw, ZONE]);
    assert.match(group.intranetIp, /^172\.16\.(8|9|10|11)\./);
    assert.equal(await free(), 1019);

    const eip = (await c.vpc.allocateEipAddress(new Vpc.AllocateEipAddressRequest({ regionId: REGION }))).body;
    await c.vpc.associateEipAddress(new Vpc.AssociateEipAddressRequest({ regionId: REGION, allocationId: eip.allocationId, instanceId: groupId }));
    const shown = (await c.vpc.describeEipAddresses(new Vpc.DescribeEipAddressesRequest({ regionId: REGION, allocationId: eip.allocationId }))).body.eipAddresses.eipAddress;
    assert.deepEqual(shown.map((e) => [e.status, e.instanceId, e.instanceType]), [['InUse', groupId, 'EciInstance']]);
    assert.equal((await describeGroup()).internetIp, eip.eipAddress);

    const vswBusy = await refused(c.vpc.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: vsw })));
    assert.deepEqual([vswBusy.code, vswBusy.status], ['DependencyViolation', 400]);
    assert.match(vswBusy.message, /Specified object has dependent resources\./);
    const sgBusy = await refused(c.ecs.deleteSecurityGroup(new Ecs.DeleteSecurityGroupRequest({ regionId: REGION, securityGroupId: sg })));
    assert.deepEqual([sgBusy.code, sgBusy.status], ['DependencyViolation', 403]);
    const vpcBusy = await refused(c.vpc.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId: vpc.vpcId })));
    assert.deepEqual([vpcBusy.code, vpcBusy.status], ['DependencyViolation.VSwitch', 400]);
    const bound = await refused(c.vpc.releaseEipAddress(new Vpc.ReleaseEipAddressRequest({ regionId: REGION, allocationId: eip.allocationId })));
    assert.deepEqual([bound.code, bound.status], ['IncorrectEipStatus', 400]);

    await c.eci.deleteContainerGroup(new Eci.DeleteContainerGroupRequest({ regionId: REGION, containerGroupId: groupId }));
    assert.equal(await free(), 1020);
    await c.vpc.releaseEipAddress(new Vpc.ReleaseEipAddressRequest({ regionId: REGION, allocationId: eip.allocationId }));
    await c.vpc.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: vsw }));
    await c.ecs.deleteSecurityGroup(new Ecs.DeleteSecurityGroupRequest({ regionId: REGION, securityGroupId: sg }));
    await c.vpc.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId: vpc.vpcId }));
    const gone = await refused(c.vpc.describeVpcAttribute(new Vpc.DescribeVpcAttributeRequest({ regionId: REGION, vpcId: vpc.vpcId })));
    assert.deepEqual([gone.code, gone.status], ['InvalidVpcId.NotFound', 404]);
    const sgGone = await refused(c.ecs.describeSecurityGroupAttribute(new Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: sg })));
    assert.deepEqual([sgGone.code, sgGone.status], ['InvalidSecurityGroupId.NotFound', 404]);
  });
}

test('caller identity, zones and a strict emulator refusing a wrong secret', async () => {
  const good = clients(strict, { ak: 'LTAI5tNodeNet', secret: 'net/secret+=2' });
  const identity = (await good.sts.getCallerIdentity()).body;
  assert.match(identity.accountId, /^\d+$/);
  assert.equal(identity.arn, `acs:ram::${identity.accountId}:root`);
  const zones = (await good.ecs.describeZones(new Ecs.DescribeZonesRequest({ regionId: REGION }))).body.zones.zone;
  assert.ok(zones.some((z) => z.zoneId === ZONE && z.availableResourceCreation.resourceTypes.includes('VSwitch')));
  const vpcZones = (await good.vpc.describeZones(new Vpc.DescribeZonesRequest({ regionId: REGION }))).body.zones.zone;
  assert.deepEqual(vpcZones.map((z) => z.zoneId), zones.map((z) => z.zoneId));
  const wrong = clients(strict, { ak: 'LTAI5tNodeNet', secret: 'wrong' });
  const err = await refused(wrong.vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION })));
  assert.deepEqual([err.code, err.status], ['SignatureDoesNotMatch', 400]);
});
