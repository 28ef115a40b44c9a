package eciemulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DeleteSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.vpc20160428.models.AllocateEipAddressRequest;
import com.aliyun.vpc20160428.models.AssociateEipAddressRequest;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import com.aliyun.vpc20160428.models.DeleteVSwitchRequest;
import com.aliyun.vpc20160428.models.DeleteVpcRequest;
import com.aliyun.vpc20160428.models.DescribeEipAddressesRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchAttributesRequest;
import com.aliyun.vpc20160428.models.DescribeVpcAttributeRequest;
import com.aliyun.vpc20160428.models.ReleaseEipAddressRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated Java clients com.aliyun:vpc20160428, ecs20140526 and sts20150401 (Tea, ACS3). */
class CompanionsTest {
    static final String REGION = "cn-hangzhou";
    static Emulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = Emulator.start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Config config() {
        return new Config().setAccessKeyId("LTAI5tJavaNetwork").setAccessKeySecret("x").setEndpoint(emulator.endpoint)
                .setProtocol("HTTP").setRegionId(REGION);
    }

    @Test
    void aNetworkIsMadeUsedByAGroupAndTornDownInReverse() throws Exception {
        var vpc = new com.aliyun.vpc20160428.Client(config());
        var ecs = new com.aliyun.ecs20140526.Client(config());
        var made = vpc.createVpc(new CreateVpcRequest().setRegionId(REGION).setCidrBlock("10.0.0.0/16").setVpcName("java-vpc")).body;
        String vpcId = made.vpcId;
        assertTrue(made.VRouterId.startsWith("vrt-"), made.VRouterId);
        String vswId = vpc.createVSwitch(new CreateVSwitchRequest().setRegionId(REGION).setVpcId(vpcId)
                .setZoneId("cn-hangzhou-j").setCidrBlock("10.0.5.0/24")).body.vSwitchId;
        String sgId = ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION).setVpcId(vpcId)
                .setSecurityGroupName("java-sg")).body.securityGroupId;
        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(sgId)
                .setIpProtocol("udp").setPortRange("53/53").setSourceCidrIp("10.0.0.0/8"));
        var rules = ecs.describeSecurityGroupAttribute(new DescribeSecurityGroupAttributeRequest().setRegionId(REGION)
                .setSecurityGroupId(sgId)).body.permissions.permission;
        assertEquals("UDP", rules.get(0).ipProtocol);

        var eci = TeaClientTest.client(emulator, "LTAI5tJavaNetwork", "x", null);
        Map<String, Object> spec = TeaClientTest.spec("java-on-vsw");
        spec.put("VSwitchId", vswId);
        spec.put("SecurityGroupId", sgId);
        String groupId = (String) TeaClientTest.eci(eci, "CreateContainerGroup", spec).get("ContainerGroupId");
        Map<String, Object> group = TeaClientTest.describeOne(eci, groupId);
        assertEquals("cn-hangzhou-j", group.get("ZoneId"));
        assertTrue(String.valueOf(group.get("IntranetIp")).startsWith("10.0.5."), String.valueOf(group.get("IntranetIp")));
        long free = vpc.describeVSwitchAttributes(new DescribeVSwitchAttributesRequest().setRegionId(REGION)
                .setVSwitchId(vswId)).body.availableIpAddressCount;
        assertEquals(251, free);

        var eip = vpc.allocateEipAddress(new AllocateEipAddressRequest().setRegionId(REGION)).body;
        vpc.associateEipAddress(new AssociateEipAddressRequest().setRegionId(REGION).setAllocationId(eip.allocationId)
                .setInstanceId(groupId));
        var shown = vpc.describeEipAddresses(new DescribeEipAddressesRequest().setRegionId(REGION)
                .setAllocationId(eip.allocationId)).body.eipAddresses.eipAddress.get(0);
        assertEquals("InUse", shown.status);
        assertEquals(groupId, shown.instanceId);

        TeaException busy = assertThrows(TeaException.class,
                () -> vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(vswId)));
        assertEquals("DependencyViolation", busy.getCode());
        TeaException inUse = assertThrows(TeaException.class,
                () -> ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(sgId)));
        assertEquals(403, inUse.getStatusCode());

        TeaClientTest.eci(eci, "DeleteContainerGroup", Map.of("RegionId", REGION, "ContainerGroupId", groupId));
        vpc.releaseEipAddress(new ReleaseEipAddressRequest().setRegionId(REGION).setAllocationId(eip.allocationId));
        vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(vswId));
        ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(sgId));
        vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION).setVpcId(vpcId));
        TeaException gone = assertThrows(TeaException.class,
                () -> vpc.describeVpcAttribute(new DescribeVpcAttributeRequest().setRegionId(REGION).setVpcId(vpcId)));
        assertEquals("InvalidVpcId.NotFound", gone.getCode());
        assertEquals(404, gone.getStatusCode());
    }

    @Test
    void theCallerIdentityIsTheKeysAccount() throws Exception {
        var identity = new com.aliyun.sts20150401.Client(config()).getCallerIdentity().body;
        assertTrue(identity.accountId.matches("\\d+"), identity.accountId);
        assertEquals("acs:ram::" + identity.accountId + ":root", identity.arn);
    }
}
