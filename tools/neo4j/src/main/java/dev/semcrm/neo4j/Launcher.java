package dev.semcrm.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * A real Neo4j 5 server for semcrm's development and CI, from Neo4j's own test harness.
 *
 * <pre>
 *   java -jar semcrm-neo4j.jar [--port 7687] [--data .neo4j/data] [--pagecache 256m]
 * </pre>
 *
 * <p>Starts Neo4j with one Bolt connector on 127.0.0.1:PORT (0 picks a free port) and no HTTP
 * connector, keeps the databases in the data directory (so data survives a restart), prints
 * {@code bolt://127.0.0.1:PORT} on its own line of stdout once Bolt accepts connections, and
 * shuts Neo4j down cleanly on SIGTERM or SIGINT. Authentication is disabled (the harness default):
 * the server listens on the loopback interface only and is meant for one developer or one CI job.
 *
 * <p>Exit status: 0 after a clean stop, 2 for wrong usage or a port in use, 1 when Neo4j cannot
 * start (its log is printed on stderr).
 */
public final class Launcher {

    private Launcher() {}

    /** Parsed command line. */
    private record Options(int port, Path data, long pageCacheBytes) {}

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("semcrm-neo4j: " + e.getMessage());
            System.err.println("usage: java -jar semcrm-neo4j.jar [--port N] [--data DIR] [--pagecache SIZE]");
            System.exit(2);
            return;
        }
        int port = options.port() == 0 ? freePort() : options.port();
        if (!portIsFree(port)) {
            System.err.println("semcrm-neo4j: port " + port + " on 127.0.0.1 is in use; "
                    + "stop what holds it (make neo4j-stop) or pass --port 0 for a free one");
            System.exit(2);
        }
        Path data = options.data().toAbsolutePath().normalize();
        Path run = data.resolveSibling(data.getFileName() + "-run");
        try {
            Files.createDirectories(data);
            Files.createDirectories(run);
        } catch (IOException e) {
            System.err.println("semcrm-neo4j: cannot create " + data + " or " + run + ": " + e.getMessage());
            System.exit(1);
        }

        Neo4j neo4j;
        try {
            neo4j = Neo4jBuilders.newInProcessBuilder(run)
                    .withDisabledServer()
                    .withConfig(GraphDatabaseSettings.data_directory, data)
                    // the harness's own home folder (logs, certificates) is created lazily;
                    // the file watcher would refuse to watch it before it exists, and it only
                    // reports store files deleted behind Neo4j's back
                    .withConfig(GraphDatabaseSettings.filewatcher_enabled, false)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes())
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .build();
        } catch (RuntimeException e) {
            System.err.println("semcrm-neo4j: Neo4j did not start with data directory " + data + ": " + rootCause(e));
            System.err.println("  (is another Neo4j using this data directory? `make neo4j-stop`, or pass another --data)");
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                neo4j.close();
                System.err.println("semcrm-neo4j: stopped");
            } finally {
                stopped.countDown();
            }
        }, "semcrm-neo4j-shutdown"));

        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("semcrm-neo4j: Neo4j " + neo4jVersion() + ", data in " + data);
        out.println("bolt://127.0.0.1:" + neo4j.boltURI().getPort());
        stopped.await();
    }

    private static Options parse(String[] args) {
        int port = 7687;
        Path data = Path.of(".neo4j", "data");
        long pageCache = ByteUnit.mebiBytes(256);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("starts Neo4j for semcrm development and CI");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port takes a number, not '" + value + "'");
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port must be 0..65535, not " + port);
                    }
                }
                case "--data" -> data = Path.of(value);
                case "--pagecache" -> pageCache = bytes(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new Options(port, data, pageCache);
    }

    /** "512m", "2g" or a number of bytes. */
    private static long bytes(String value) {
        String v = value.trim().toLowerCase();
        try {
            if (v.endsWith("g")) {
                return ByteUnit.gibiBytes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return ByteUnit.mebiBytes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pagecache takes a size such as 256m or 1g, not '" + value + "'");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String neo4jVersion() {
        return org.neo4j.kernel.internal.Version.getNeo4jVersion();
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
