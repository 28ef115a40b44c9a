package io.github.eciemulator.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.eci.model.v20180808.CreateContainerGroupRequest;
import com.aliyuncs.eci.model.v20180808.DeleteContainerGroupRequest;
import com.aliyuncs.eci.model.v20180808.DescribeContainerGroupsRequest;
import com.aliyuncs.eci.model.v20180808.DescribeContainerGroupsResponse;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The module's example tests: the official Java SDK (aliyun-java-sdk-eci on aliyun-java-sdk-core)
 * against an EciEmulatorContainer under a real Docker engine (ECI_EMULATOR_IMAGE names the image).
 */
@Testcontainers
class EciEmulatorContainerTest {
    static final String IMAGE = System.getenv().getOrDefault("ECI_EMULATOR_IMAGE", EciEmulatorContainer.DEFAULT_IMAGE);
    static final String NETWORK = "{\"vpcs\": [{\"vpcId\": \"vpc-tc\", \"regionId\": \"cn-hangzhou\", \"cidrBlock\": \"10.50.0.0/16\"}],"
            + " \"vSwitches\": [{\"vSwitchId\": \"vsw-tc\", \"vpcId\": \"vpc-tc\", \"zoneId\": \"cn-hangzhou-b\", \"cidrBlock\": \"10.50.9.0/24\"}],"
            + " \"securityGroups\": [{\"securityGroupId\": \"sg-tc\", \"vpcId\": \"vpc-tc\"}]}";

    @Container
    static final EciEmulatorContainer ECI = new EciEmulatorContainer(IMAGE)
            .withCredentials("LTAI5tJavaModule", "java-module-secret")
            .withLifecycle("immediate")
            .withSeed(3)
            .withFixtures(NETWORK)
            .withFaults("{\"rules\": [{\"action\": \"DeleteContainerGroup\", \"code\": \"OperationConflict\", \"times\": 1}]}");

    static IAcsClient client(EciEmulatorContainer eci, String secret) {
        return new DefaultAcsClient(DefaultProfile.getProfile(eci.getRegion(), eci.getAccessKeyId(), secret));
    }

    static <T extends AcsRequest<?>> T pointed(T request, EciEmulatorContainer eci) {
        request.setSysEndpoint(eci.getEndpoint());
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysRegionId(eci.getRegion());
        return request;
    }

    static String create(IAcsClient client, EciEmulatorContainer eci, String name, String vSwitch) throws ClientException {
        CreateContainerGroupRequest request = pointed(new CreateContainerGroupRequest(), eci);
        request.setContainerGroupName(name);
        CreateContainerGroupRequest.Container web = new CreateContainerGroupRequest.Container();
        web.setName("web");
        web.setImage("nginx:1.25");
        request.setContainers(List.of(web));
        if (vSwitch != null) {
            request.setVSwitchId(vSwitch);
            request.setSecurityGroupId("sg-tc");
        }
        return client.getAcsResponse(request).getContainerGroupId();
    }

    static List<DescribeContainerGroupsResponse.ContainerGroup> describe(IAcsClient client, EciEmulatorContainer eci, String id)
            throws ClientException {
        DescribeContainerGroupsRequest request = pointed(new DescribeContainerGroupsRequest(), eci);
        request.setContainerGroupIds("[\"" + id + "\"]");
        return client.getAcsResponse(request).getContainerGroups();
    }

    @Test
    void theSdkCreatesOnAFixtureNetworkWithSignaturesVerified() throws Exception {
        ECI.reset();
        ECI.clearCalls();
        IAcsClient client = client(ECI, ECI.getAccessKeySecret());
        String id = create(client, ECI, "on-my-network", "vsw-tc");
        DescribeContainerGroupsResponse.ContainerGroup group = describe(client, ECI, id).get(0);
        assertEquals("Running", group.getStatus());
        assertTrue(group.getIntranetIp().startsWith("10.50.9."), group.getIntranetIp());
        List<Object> actions = ECI.calls(Map.of("action", "CreateContainerGroup")).stream()
                .map(call -> call.get("action")).collect(Collectors.toList());
        assertEquals(List.of("CreateContainerGroup"), actions);
        ClientException forged = assertThrows(ClientException.class,
                () -> create(client(ECI, "wrong-secret"), ECI, "forged", null));
        // The core SDK reports the service's SignatureDoesNotMatch under a code of its own.
        assertEquals("SDK.InvalidAccessKeySecret", forged.getErrCode());
        ECI.reset();
        assertEquals(List.of(), describe(client, ECI, id));
    }

    @Test
    void faultsFromAFileAndAtRunTime() throws Exception {
        ECI.reset();
        ECI.clearCalls();
        IAcsClient client = client(ECI, ECI.getAccessKeySecret());
        assertTrue(ECI.addFault(Map.of("action", "CreateContainerGroup", "code", "Throttling", "times", 1)).startsWith("fault-"));
        ClientException throttled = assertThrows(ClientException.class, () -> create(client, ECI, "throttled", null));
        assertEquals("Throttling", throttled.getErrCode());
        String id = create(client, ECI, "second-try", null);
        DeleteContainerGroupRequest delete = pointed(new DeleteContainerGroupRequest(), ECI);
        delete.setContainerGroupId(id);
        ClientException conflict = assertThrows(ClientException.class, () -> client.getAcsResponse(delete));
        assertEquals("OperationConflict", conflict.getErrCode());
        assertEquals(1, ECI.calls(Map.of("action", "CreateContainerGroup", "code", "OK")).size());
        EciEmulatorContainer.SideApiException refused = assertThrows(EciEmulatorContainer.SideApiException.class,
                () -> ECI.addFault(Map.of("action", "CreateContainerGroup", "code", "NoSuchCode")));
        assertEquals(400, refused.getStatus());
    }

    @Test
    void aFrozenClockMovesGroupsOnlyWhenAdvanced() throws Exception {
        long started = System.nanoTime();
        try (EciEmulatorContainer eci = new EciEmulatorContainer(IMAGE).withEnv("ECI_EMULATOR_CLOCK", "frozen")) {
            eci.start();
            System.out.printf("container start to healthy: %.2f s%n", (System.nanoTime() - started) / 1e9);
            IAcsClient client = client(eci, eci.getAccessKeySecret());
            String id = create(client, eci, "waits-for-the-clock", null);
            assertEquals("Scheduling", describe(client, eci, id).get(0).getStatus());
            eci.advanceClock(60);
            assertEquals("Running", describe(client, eci, id).get(0).getStatus());
        }
    }

    @Test
    void aStateVolumeCarriesGroupsToTheNextContainer() throws Exception {
        String volume = "eci-tc-java-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            String id;
            try (EciEmulatorContainer first = new EciEmulatorContainer(IMAGE).withStateVolume(volume).withLifecycle("immediate")) {
                first.start();
                id = create(client(first, first.getAccessKeySecret()), first, "kept", null);
            }
            try (EciEmulatorContainer second = new EciEmulatorContainer(IMAGE).withStateVolume(volume)) {
                second.start();
                List<DescribeContainerGroupsResponse.ContainerGroup> groups = describe(client(second, second.getAccessKeySecret()), second, id);
                assertEquals(List.of("kept"), groups.stream().map(g -> g.getContainerGroupName()).collect(Collectors.toList()));
            }
        } finally {
            DockerClientFactory.instance().client().removeVolumeCmd(volume).exec();
        }
    }
}
