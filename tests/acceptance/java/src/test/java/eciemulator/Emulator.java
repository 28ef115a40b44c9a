package eciemulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real eci-emulator binary (ECI_EMULATOR_BIN, else target/release) on a free loopback port. */
final class Emulator implements AutoCloseable {
    final String endpoint;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Emulator(String endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** Starts the binary with these flags; groups are Running at once unless --lifecycle is given. */
    static Emulator start(String... flags) throws Exception {
        String binary = System.getenv().getOrDefault("ECI_EMULATOR_BIN", "../../../target/release/eci-emulator");
        String endpoint = "127.0.0.1:" + freePort();
        List<String> command = new ArrayList<>(List.of(binary, "--listen", endpoint));
        if (!List.of(flags).contains("--lifecycle")) {
            command.addAll(List.of("--lifecycle", "immediate"));
        }
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putIfAbsent("RUST_LOG", "warn");
        Emulator emulator = new Emulator(endpoint, builder.start());
        emulator.waitHealthy();
        return emulator;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void waitHealthy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (side("GET", "/_emulator/health", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        close();
        throw new IllegalStateException("the emulator did not become healthy at " + endpoint);
    }

    /** A side-API call with an optional JSON body. */
    HttpResponse<String> side(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + endpoint + path))
                .timeout(Duration.ofSeconds(5));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    void reset() throws Exception {
        side("POST", "/_emulator/reset", null);
    }

    void addFault(String rule) throws Exception {
        HttpResponse<String> added = side("POST", "/_emulator/faults", rule);
        if (added.statusCode() != 201) {
            throw new IllegalStateException("the fault rule was refused: " + added.body());
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
