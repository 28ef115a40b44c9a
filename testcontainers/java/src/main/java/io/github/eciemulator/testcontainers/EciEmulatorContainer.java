package io.github.eciemulator.testcontainers;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * eci-emulator in a container: starts the image, waits on its health route, and hands the official
 * SDKs an endpoint, a region and a key pair, plus the side-API calls a test needs (reset, faults,
 * the clock, the request journal).
 *
 * <pre>{@code
 * @Container
 * static EciEmulatorContainer eci = new EciEmulatorContainer("eci-emulator:latest").withLifecycle("immediate");
 * ...
 * IAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile(eci.getRegion(), eci.getAccessKeyId(), eci.getAccessKeySecret()));
 * request.setSysEndpoint(eci.getEndpoint());
 * request.setSysProtocol(ProtocolType.HTTP);
 * }</pre>
 */
public class EciEmulatorContainer extends GenericContainer<EciEmulatorContainer> {
    public static final String DEFAULT_IMAGE = "eci-emulator:latest";
    public static final int PORT = 8080;
    /** Where the image keeps state when ECI_EMULATOR_STATE_DIR names it; owned by the image's user. */
    static final String STATE_DIR = "/data";
    /** Files copied in go to the root, the one folder a scratch image is sure to have. */
    static final String FIXTURES_FILE = "/eci-fixtures.json";
    static final String FAULTS_FILE = "/eci-faults.json";
    /** Accepted unchecked unless withCredentials is given: the emulator then takes any key pair. */
    static final String DEFAULT_ACCESS_KEY_ID = "LTAI5tTestcontainers";
    static final String DEFAULT_ACCESS_KEY_SECRET = "testcontainers-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String region = "cn-hangzhou";
    private String accessKeyId = DEFAULT_ACCESS_KEY_ID;
    private String accessKeySecret = DEFAULT_ACCESS_KEY_SECRET;

    public EciEmulatorContainer() {
        this(DEFAULT_IMAGE);
    }

    public EciEmulatorContainer(String image) {
        this(DockerImageName.parse(image));
    }

    public EciEmulatorContainer(DockerImageName image) {
        super(image);
        withExposedPorts(PORT);
        waitingFor(Wait.forHttp("/_emulator/health").forPort(PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofSeconds(30)));
    }

    /** Has signatures verified for this key pair (any other is refused), and hands it out. */
    public EciEmulatorContainer withCredentials(String accessKeyId, String accessKeySecret) {
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
        return withEnv("ECI_EMULATOR_CREDENTIALS", accessKeyId + ":" + accessKeySecret);
    }

    /** How groups move through their statuses: "time" (the default), "immediate" or "manual". */
    public EciEmulatorContainer withLifecycle(String policy) {
        return withEnv("ECI_EMULATOR_LIFECYCLE", policy);
    }

    /** Makes ids, addresses and injected randomness the same on every run. */
    public EciEmulatorContainer withSeed(long seed) {
        return withEnv("ECI_EMULATOR_SEED", Long.toString(seed));
    }

    /** The region handed to clients (the emulator serves every region). */
    public EciEmulatorContainer withRegion(String region) {
        this.region = region;
        return self();
    }

    /** Starts with a fixture document (JSON) applied. */
    public EciEmulatorContainer withFixtures(String document) {
        return withCopyToContainer(Transferable.of(document, 0644), FIXTURES_FILE)
                .withEnv("ECI_EMULATOR_FIXTURES", FIXTURES_FILE);
    }

    /** Starts with the fixture document in this file applied. */
    public EciEmulatorContainer withFixtures(Path file) {
        return withFixtures(read(file));
    }

    /** Starts with the fault rules of a faults document (JSON). */
    public EciEmulatorContainer withFaults(String document) {
        return withCopyToContainer(Transferable.of(document, 0644), FAULTS_FILE)
                .withEnv("ECI_EMULATOR_FAULTS", FAULTS_FILE);
    }

    /** Starts with the fault rules in this file. */
    public EciEmulatorContainer withFaults(Path file) {
        return withFaults(read(file));
    }

    /** Keeps state in the named Docker volume: a later container on it finds every group. */
    public EciEmulatorContainer withStateVolume(String volume) {
        return withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(new Bind(volume, new Volume(STATE_DIR))))
                .withEnv("ECI_EMULATOR_STATE_DIR", STATE_DIR);
    }

    /** {@code host:port}, as the SDKs' endpoint setting takes it (with the HTTP protocol). */
    public String getEndpoint() {
        return getHost() + ":" + getMappedPort(PORT);
    }

    public String getRegion() {
        return region;
    }

    public String getAccessKeyId() {
        return accessKeyId;
    }

    public String getAccessKeySecret() {
        return accessKeySecret;
    }

    /** Drops every resource; the start fixtures and fault files apply again. */
    public void reset() {
        sideApi("POST", "/_emulator/reset", Map.of());
    }

    /** Adds a fault rule ({@code {"action": ..., "code": ...}}) and answers its id. */
    public String addFault(Map<String, ?> rule) {
        return String.valueOf(sideApi("POST", "/_emulator/faults", rule).get("id"));
    }

    /** Moves the emulator's clock forward; what falls due meanwhile happens, each at its time. */
    public void advanceClock(double seconds) {
        sideApi("POST", "/_emulator/clock", Map.of("advanceSeconds", seconds));
    }

    /** The journaled calls, oldest first, filtered by action, product, account, region or code. */
    public List<Map<String, Object>> calls(Map<String, String> filters) {
        String query = filters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        Object calls = sideApi("GET", "/_emulator/calls" + (query.isEmpty() ? "" : "?" + query), null).get("calls");
        return JSON.convertValue(calls, new TypeReference<List<Map<String, Object>>>() {});
    }

    /** Empties the request journal (reset leaves it). */
    public void clearCalls() {
        sideApi("DELETE", "/_emulator/calls", null);
    }

    private Map<String, Object> sideApi(String method, String path, Object document) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + getEndpoint() + path))
                .timeout(Duration.ofSeconds(30));
        try {
            if (document == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(document)));
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() >= 300) {
                throw new SideApiException(answer.statusCode(), answer.body());
            }
            return JSON.readValue(answer.body(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the side API", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A side-API call the emulator refused: its status and the error it gave. */
    public static class SideApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public SideApiException(int status, String body) {
            super("side API answered " + status + ": " + body);
            this.status = status;
        }

        public int getStatus() {
            return status;
        }
    }
}
