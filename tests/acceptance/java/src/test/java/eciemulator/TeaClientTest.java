package eciemulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.Client;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Tea client of com.aliyun:tea-openapi, the engine every generated com.aliyun:*20xxxxxx package
 * calls (com.aliyun:eci20180808 itself is not served by this machine's Maven registry): ECI's
 * operations through its callApi with the parameters the generated client would send, ACS3 and v2.
 */
class TeaClientTest {
    static final String REGION = "cn-hangzhou";
    static final String WEIRD = "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()";
    static Emulator open;
    static Emulator strict;

    @BeforeAll
    static void start() throws Exception {
        open = Emulator.start();
        strict = Emulator.start("--credentials", "LTAI5tJavaStrict:java/secret+=4:acct-java");
    }

    @AfterAll
    static void stop() {
        open.close();
        strict.close();
    }

    @BeforeEach
    void empty() throws Exception {
        open.reset();
    }

    static Client client(Emulator emulator, String ak, String secret, String algorithm) throws Exception {
        Config config = new Config().setAccessKeyId(ak).setAccessKeySecret(secret).setEndpoint(emulator.endpoint)
                .setProtocol("HTTP").setRegionId(REGION);
        if (algorithm != null) {
            config.setSignatureAlgorithm(algorithm);
        }
        return new Client(config);
    }

    /** Calls an ECI action as the generated client does: POST, RPC style, the parameters in the query. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> eci(Client client, String action, Map<String, Object> parameters) throws Exception {
        Params params = new Params().setAction(action).setVersion("2018-08-08").setProtocol("HTTP").setMethod("POST")
                .setAuthType("AK").setStyle("RPC").setPathname("/").setReqBodyType("formData").setBodyType("json");
        Map<String, String> query = com.aliyun.openapiutil.Client.query(parameters);
        OpenApiRequest request = new OpenApiRequest().setQuery(query);
        Map<String, ?> answer = client.callApi(params, request, new RuntimeOptions());
        return (Map<String, Object>) answer.get("body");
    }

    static Map<String, Object> spec(String name) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("RegionId", REGION);
        parameters.put("ContainerGroupName", name);
        parameters.put("RestartPolicy", "OnFailure");
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("Name", "app");
        app.put("Image", "nginx:1.25");
        app.put("Cpu", 1.0f);
        app.put("Memory", 2.0f);
        app.put("Command", List.of("sh", "-c", WEIRD));
        app.put("EnvironmentVar", List.of(Map.of("Key", "WEIRD", "Value", WEIRD)));
        app.put("Port", List.of(Map.of("Port", 80, "Protocol", "TCP")));
        parameters.put("Container", List.of(app, Map.of("Name", "sidecar", "Image", "busybox:1.36")));
        parameters.put("Tag", List.of(Map.of("Key", "suite", "Value", "java")));
        return parameters;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> describeOne(Client client, String id) throws Exception {
        Map<String, Object> answer = eci(client, "DescribeContainerGroups",
                Map.of("RegionId", REGION, "ContainerGroupIds", "[\"" + id + "\"]"));
        List<Map<String, Object>> groups = (List<Map<String, Object>>) answer.get("ContainerGroups");
        assertEquals(1, groups.size());
        return groups.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACS3", "v2"})
    @SuppressWarnings("unchecked")
    void createsDescribesUpdatesAndDeletes(String signing) throws Exception {
        Client client = client(open, "LTAI5tJavaTea", "x", signing.equals("v2") ? "v2" : null);
        String id = (String) eci(client, "CreateContainerGroup", spec("java-full")).get("ContainerGroupId");
        assertTrue(id.startsWith("eci-bp1"), id);
        Map<String, Object> group = describeOne(client, id);
        assertEquals("Running", group.get("Status"));
        List<Map<String, Object>> containers = (List<Map<String, Object>>) group.get("Containers");
        assertEquals(List.of("sh", "-c", WEIRD), containers.get(0).get("Commands"));
        assertEquals(2, containers.size());
        eci(client, "UpdateContainerGroup", Map.of("RegionId", REGION, "ContainerGroupId", id,
                "Tag", List.of(Map.of("Key", "suite", "Value", "updated"))));
        List<Map<String, Object>> tags = (List<Map<String, Object>>) describeOne(client, id).get("Tags");
        assertEquals("updated", tags.get(0).get("Value"));
        eci(client, "DeleteContainerGroup", Map.of("RegionId", REGION, "ContainerGroupId", id));
        TeaException gone = assertThrows(TeaException.class,
                () -> eci(client, "DeleteContainerGroup", Map.of("RegionId", REGION, "ContainerGroupId", id)));
        assertEquals("InvalidParameter.NotFound", gone.getCode());
        assertEquals(404, gone.getStatusCode());
        assertEquals(36, String.valueOf(gone.getData().get("RequestId")).length());
    }

    @Test
    @SuppressWarnings("unchecked")
    void pagesNewestFirstAndFiltersByTag() throws Exception {
        Client client = client(open, "LTAI5tJavaPages", "x", null);
        for (int i = 0; i < 3; i++) {
            Map<String, Object> parameters = spec("page-" + i);
            parameters.put("Tag", List.of(Map.of("Key", "odd", "Value", String.valueOf(i % 2))));
            eci(client, "CreateContainerGroup", parameters);
        }
        Map<String, Object> first = eci(client, "DescribeContainerGroups", Map.of("RegionId", REGION, "Limit", 2));
        assertEquals(3, ((Number) first.get("TotalCount")).intValue());
        List<Map<String, Object>> page = (List<Map<String, Object>>) first.get("ContainerGroups");
        assertEquals(List.of("page-2", "page-1"), page.stream().map(g -> g.get("ContainerGroupName")).toList());
        Map<String, Object> second = eci(client, "DescribeContainerGroups",
                Map.of("RegionId", REGION, "Limit", 2, "NextToken", first.get("NextToken")));
        List<Map<String, Object>> rest = (List<Map<String, Object>>) second.get("ContainerGroups");
        assertEquals(List.of("page-0"), rest.stream().map(g -> g.get("ContainerGroupName")).toList());
        Map<String, Object> odd = eci(client, "DescribeContainerGroups",
                Map.of("RegionId", REGION, "Tag", List.of(Map.of("Key", "odd", "Value", "1"))));
        assertEquals(1, ((Number) odd.get("TotalCount")).intValue());
    }

    @Test
    void raisesDocumentedErrorsAnInjectedFaultAndKeepsClientTokens() throws Exception {
        Client client = client(open, "LTAI5tJavaErrors", "x", null);
        TeaException invalid = assertThrows(TeaException.class, () -> eci(client, "CreateContainerGroup", spec("Bad_Name")));
        assertEquals("InvalidParameter", invalid.getCode());
        assertEquals(400, invalid.getStatusCode());
        assertTrue(invalid.getMessage().contains("ContainerGroupName"), invalid.getMessage());
        open.addFault("{\"action\":\"CreateContainerGroup\",\"code\":\"OperationDenied.NoStock\",\"times\":1}");
        TeaException noStock = assertThrows(TeaException.class, () -> eci(client, "CreateContainerGroup", spec("after-fault")));
        assertEquals("OperationDenied.NoStock", noStock.getCode());
        assertEquals(403, noStock.getStatusCode());
        Map<String, Object> withToken = spec("with-token");
        withToken.put("ClientToken", "java-token-1");
        Object first = eci(client, "CreateContainerGroup", withToken).get("ContainerGroupId");
        assertEquals(first, eci(client, "CreateContainerGroup", withToken).get("ContainerGroupId"));
        withToken.put("ContainerGroupName", "another-name");
        TeaException mismatch = assertThrows(TeaException.class, () -> eci(client, "CreateContainerGroup", withToken));
        assertEquals("IdempotentParameterMismatch", mismatch.getCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACS3", "v2"})
    void aStrictEmulatorRefusesAWrongSecret(String signing) throws Exception {
        String algorithm = signing.equals("v2") ? "v2" : null;
        Map<String, Object> list = Map.of("RegionId", REGION);
        Map<String, Object> answer = eci(client(strict, "LTAI5tJavaStrict", "java/secret+=4", algorithm), "DescribeContainerGroups", list);
        assertEquals(0, ((Number) answer.get("TotalCount")).intValue());
        Client wrong = client(strict, "LTAI5tJavaStrict", "not-it", algorithm);
        TeaException refused = assertThrows(TeaException.class, () -> eci(wrong, "DescribeContainerGroups", list));
        assertEquals("SignatureDoesNotMatch", refused.getCode());
        assertNotEquals(200, refused.getStatusCode());
    }
}
