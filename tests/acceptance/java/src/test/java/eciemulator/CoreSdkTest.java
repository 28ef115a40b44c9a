package eciemulator;

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
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * com.aliyun:aliyun-java-sdk-eci with aliyun-java-sdk-core (HMAC-SHA1): pointed at the emulator per
 * request with setSysEndpoint and setSysProtocol(HTTP).
 */
class CoreSdkTest {
    static final String REGION = "cn-hangzhou";
    static Emulator open;
    static Emulator strict;

    @BeforeAll
    static void start() throws Exception {
        open = Emulator.start();
        strict = Emulator.start("--credentials", "LTAI5tJavaCore:core/secret=5:acct-java-core");
    }

    @AfterAll
    static void stop() {
        open.close();
        strict.close();
    }

    static IAcsClient client(String ak, String secret) {
        return new DefaultAcsClient(DefaultProfile.getProfile(REGION, ak, secret));
    }

    static <T extends AcsRequest<?>> T pointed(T request, Emulator emulator) {
        request.setSysEndpoint(emulator.endpoint);
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysRegionId(REGION);
        return request;
    }

    static CreateContainerGroupRequest create(String name, String token) {
        CreateContainerGroupRequest request = pointed(new CreateContainerGroupRequest(), open);
        request.setContainerGroupName(name);
        request.setClientToken(token);
        CreateContainerGroupRequest.Container app = new CreateContainerGroupRequest.Container();
        app.setName("app");
        app.setImage("nginx:1.25");
        app.setCpu(0.5f);
        app.setMemory(1.0f);
        app.setCommands(List.of("echo", "hi"));
        CreateContainerGroupRequest.Container.EnvironmentVar env = new CreateContainerGroupRequest.Container.EnvironmentVar();
        env.setKey("MODE");
        env.setValue("core sdk");
        app.setEnvironmentVars(List.of(env));
        request.setContainers(List.of(app));
        CreateContainerGroupRequest.Tag tag = new CreateContainerGroupRequest.Tag();
        tag.setKey("sdk");
        tag.setValue("java-core");
        request.setTags(List.of(tag));
        return request;
    }

    static DescribeContainerGroupsResponse.ContainerGroup describeOne(IAcsClient client, String id) throws Exception {
        DescribeContainerGroupsRequest request = pointed(new DescribeContainerGroupsRequest(), open);
        request.setContainerGroupIds("[\"" + id + "\"]");
        List<DescribeContainerGroupsResponse.ContainerGroup> groups = client.getAcsResponse(request).getContainerGroups();
        assertEquals(1, groups.size());
        return groups.get(0);
    }

    @Test
    void createsDescribesAndDeletesWithTypedErrors() throws Exception {
        IAcsClient client = client("LTAI5tJavaCoreOpen", "x");
        String id = client.getAcsResponse(create("java-core", null)).getContainerGroupId();
        assertTrue(id.startsWith("eci-bp1"), id);
        DescribeContainerGroupsResponse.ContainerGroup group = describeOne(client, id);
        assertEquals("Running", group.getStatus());
        assertEquals("java-core", group.getTags().get(0).getValue());
        assertEquals(0.5f, group.getCpu());
        assertEquals("app", group.getContainers().get(0).getName());
        DeleteContainerGroupRequest delete = pointed(new DeleteContainerGroupRequest(), open);
        delete.setContainerGroupId(id);
        client.getAcsResponse(delete);
        // The core SDK raises a ClientException for a 4xx answer and a ServerException for a 5xx one.
        ClientException gone = assertThrows(ClientException.class, () -> client.getAcsResponse(delete));
        assertTrue(!(gone instanceof ServerException));
        assertEquals("InvalidParameter.NotFound", gone.getErrCode());
        assertEquals(36, gone.getRequestId().length());
        assertTrue(!gone.getErrMsg().isEmpty());
    }

    @Test
    void aServiceUnavailableFaultIsAServerException() throws Exception {
        open.addFault("{\"action\":\"DescribeContainerGroups\",\"code\":\"ServiceUnavailable\",\"times\":1}");
        DescribeContainerGroupsRequest request = pointed(new DescribeContainerGroupsRequest(), open);
        ServerException unavailable = assertThrows(ServerException.class,
                () -> client("LTAI5tJavaCoreFault", "x").getAcsResponse(request));
        assertEquals("ServiceUnavailable", unavailable.getErrCode());
    }

    @Test
    void aClientTokenRetryMakesOneGroup() throws Exception {
        IAcsClient client = client("LTAI5tJavaCoreToken", "x");
        String first = client.getAcsResponse(create("token-group", "java-core-token")).getContainerGroupId();
        assertEquals(first, client.getAcsResponse(create("token-group", "java-core-token")).getContainerGroupId());
    }

    @Test
    void aStrictEmulatorRefusesAWrongSecret() throws Exception {
        DescribeContainerGroupsRequest request = pointed(new DescribeContainerGroupsRequest(), strict);
        assertEquals(0, client("LTAI5tJavaCore", "core/secret=5").getAcsResponse(request).getTotalCount());
        ClientException refused = assertThrows(ClientException.class,
                () -> client("LTAI5tJavaCore", "wrong").getAcsResponse(request));
        // The core SDK compares the string to sign the gateway returns with its own: when they match, the
        // secret is what is wrong, and it says so with its own code.
        assertEquals("SDK.InvalidAccessKeySecret", refused.getErrCode());
    }
}
