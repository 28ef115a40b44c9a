package acceptance

// The companion products through their current Go SDKs (vpc-20160428/v6, ecs-20140526/v7 on
// darabonba-openapi/v2's utils config, sts-20150401/v2) and STS through alibaba-cloud-sdk-go as the
// Terraform provider calls it: a network made, a group placed on it, an EIP bound, all torn down.

import (
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	sts "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/tea"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/endpoints"
	corests "github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/eci-emulator/eci-emulator/go/eciemulator"
)

func utilsConfig(emu *eciemulator.Emulator, ak, secret string) *openapiutil.Config {
	return &openapiutil.Config{
		AccessKeyId:     tea.String(ak),
		AccessKeySecret: tea.String(secret),
		Endpoint:        tea.String(emu.Endpoint),
		Protocol:        tea.String("HTTP"),
		RegionId:        tea.String(region),
	}
}

type companions struct {
	vpc *vpc.Client
	ecs *ecs.Client
	eci *eci.Client
}

func companionClients(t *testing.T, emu *eciemulator.Emulator, ak, secret string) companions {
	t.Helper()
	vpcClient, err := vpc.NewClient(utilsConfig(emu, ak, secret))
	if err != nil {
		t.Fatal(err)
	}
	ecsClient, err := ecs.NewClient(utilsConfig(emu, ak, secret))
	if err != nil {
		t.Fatal(err)
	}
	return companions{vpc: vpcClient, ecs: ecsClient, eci: eciClient(t, emu, ak, secret, "")}
}

// refusedWith fails the test unless err is the SDK error with this code and HTTP status.
func refusedWith(t *testing.T, err error, code string, status int) {
	t.Helper()
	refused := sdkError(t, err)
	if tea.StringValue(refused.Code) != code || tea.IntValue(refused.StatusCode) != status {
		t.Fatalf("refused with %s %d, not %s %d", tea.StringValue(refused.Code), tea.IntValue(refused.StatusCode), code, status)
	}
}

func TestGoSdksMakeANetworkPlaceAGroupBindAnEipAndTearDown(t *testing.T) {
	open.Reset(t)
	c := companionClients(t, open, "LTAI5tGoNetwork", "x")
	made, err := c.vpc.CreateVpc(&vpc.CreateVpcRequest{RegionId: tea.String(region), CidrBlock: tea.String("192.168.0.0/16"), VpcName: tea.String("go-vpc")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := tea.StringValue(made.Body.VpcId)
	vsw, err := c.vpc.CreateVSwitch(&vpc.CreateVSwitchRequest{
		RegionId: tea.String(region), VpcId: tea.String(vpcID), ZoneId: tea.String("cn-hangzhou-i"), CidrBlock: tea.String("192.168.10.0/24"),
	})
	if err != nil {
		t.Fatal(err)
	}
	vswID := tea.StringValue(vsw.Body.VSwitchId)
	sg, err := c.ecs.CreateSecurityGroup(&ecs.CreateSecurityGroupRequest{RegionId: tea.String(region), VpcId: tea.String(vpcID), SecurityGroupName: tea.String("go-sg")})
	if err != nil {
		t.Fatal(err)
	}
	sgID := tea.StringValue(sg.Body.SecurityGroupId)
	_, err = c.ecs.AuthorizeSecurityGroup(&ecs.AuthorizeSecurityGroupRequest{
		RegionId: tea.String(region), SecurityGroupId: tea.String(sgID), IpProtocol: tea.String("tcp"), PortRange: tea.String("22/22"), SourceCidrIp: tea.String("10.0.0.0/8"),
	})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := c.ecs.DescribeSecurityGroupAttribute(&ecs.DescribeSecurityGroupAttributeRequest{RegionId: tea.String(region), SecurityGroupId: tea.String(sgID)})
	if err != nil {
		t.Fatal(err)
	}
	if got := rules.Body.Permissions.Permission; len(got) != 1 || tea.StringValue(got[0].PortRange) != "22/22" || tea.StringValue(got[0].IpProtocol) != "TCP" {
		t.Fatalf("rules %v", got)
	}

	request := fullSpec("go-on-vsw", "")
	request.ZoneId = nil
	request.VSwitchId = tea.String(vswID)
	request.SecurityGroupId = tea.String(sgID)
	group, err := c.eci.CreateContainerGroup(request)
	if err != nil {
		t.Fatal(err)
	}
	groupID := tea.StringValue(group.Body.ContainerGroupId)
	placed := describeOne(t, c.eci, groupID)
	if tea.StringValue(placed.ZoneId) != "cn-hangzhou-i" || tea.StringValue(placed.VSwitchId) != vswID {
		t.Fatalf("placed in %s on %s", tea.StringValue(placed.ZoneId), tea.StringValue(placed.VSwitchId))
	}
	attributes, err := c.vpc.DescribeVSwitchAttributes(&vpc.DescribeVSwitchAttributesRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswID)})
	if err != nil {
		t.Fatal(err)
	}
	if got := tea.Int64Value(attributes.Body.AvailableIpAddressCount); got != 251 {
		t.Fatalf("%d addresses free after one group", got)
	}

	eip, err := c.vpc.AllocateEipAddress(&vpc.AllocateEipAddressRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	eipID := tea.StringValue(eip.Body.AllocationId)
	if _, err = c.vpc.AssociateEipAddress(&vpc.AssociateEipAddressRequest{RegionId: tea.String(region), AllocationId: tea.String(eipID), InstanceId: tea.String(groupID)}); err != nil {
		t.Fatal(err)
	}
	eips, err := c.vpc.DescribeEipAddresses(&vpc.DescribeEipAddressesRequest{RegionId: tea.String(region), AllocationId: tea.String(eipID)})
	if err != nil {
		t.Fatal(err)
	}
	if got := eips.Body.EipAddresses.EipAddress; len(got) != 1 || tea.StringValue(got[0].Status) != "InUse" || tea.StringValue(got[0].InstanceId) != groupID {
		t.Fatalf("EIPs %v", got)
	}
	if tea.StringValue(describeOne(t, c.eci, groupID).InternetIp) != tea.StringValue(eip.Body.EipAddress) {
		t.Fatal("the group does not show its EIP")
	}

	_, err = c.vpc.DeleteVSwitch(&vpc.DeleteVSwitchRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswID)})
	refusedWith(t, err, "DependencyViolation", 400)
	_, err = c.ecs.DeleteSecurityGroup(&ecs.DeleteSecurityGroupRequest{RegionId: tea.String(region), SecurityGroupId: tea.String(sgID)})
	refusedWith(t, err, "DependencyViolation", 403)
	_, err = c.vpc.ReleaseEipAddress(&vpc.ReleaseEipAddressRequest{RegionId: tea.String(region), AllocationId: tea.String(eipID)})
	refusedWith(t, err, "IncorrectEipStatus", 400)

	if err = deleteGroup(c.eci, groupID); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := c.vpc.ReleaseEipAddress(&vpc.ReleaseEipAddressRequest{RegionId: tea.String(region), AllocationId: tea.String(eipID)})
			return err
		},
		func() error {
			_, err := c.vpc.DeleteVSwitch(&vpc.DeleteVSwitchRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswID)})
			return err
		},
		func() error {
			_, err := c.ecs.DeleteSecurityGroup(&ecs.DeleteSecurityGroupRequest{RegionId: tea.String(region), SecurityGroupId: tea.String(sgID)})
			return err
		},
		func() error {
			_, err := c.vpc.DeleteVpc(&vpc.DeleteVpcRequest{RegionId: tea.String(region), VpcId: tea.String(vpcID)})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("teardown step %d: %v", i, err)
		}
	}
	_, err = c.vpc.DescribeVpcAttribute(&vpc.DescribeVpcAttributeRequest{RegionId: tea.String(region), VpcId: tea.String(vpcID)})
	refusedWith(t, err, "InvalidVpcId.NotFound", 404)
}

func TestCallerIdentityThroughBothGoSdks(t *testing.T) {
	config := teaConfig(strict, strictKey, strictSecret, "")
	client, err := sts.NewClient((*openapi.Config)(config))
	if err != nil {
		t.Fatal(err)
	}
	identity, err := client.GetCallerIdentity()
	if err != nil {
		t.Fatal(err)
	}
	account := tea.StringValue(identity.Body.AccountId)
	if account == "" || tea.StringValue(identity.Body.Arn) != "acs:ram::"+account+":root" {
		t.Fatalf("identity %v", identity.Body)
	}

	// As the Terraform provider calls it: alibaba-cloud-sdk-go's sts client, its endpoint mapped.
	if err := endpoints.AddEndpointMapping(region, "Sts", strict.Endpoint); err != nil {
		t.Fatal(err)
	}
	core, err := corests.NewClientWithOptions(region, sdk.NewConfig().WithScheme("HTTP"), credentials.NewAccessKeyCredential(strictKey, strictSecret))
	if err != nil {
		t.Fatal(err)
	}
	answer, err := core.GetCallerIdentity(corests.CreateGetCallerIdentityRequest())
	if err != nil {
		t.Fatal(err)
	}
	if answer.AccountId != account || answer.IdentityType != "Account" {
		t.Fatalf("the older SDK sees %q (%s), the newer %q", answer.AccountId, answer.IdentityType, account)
	}
}
