package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/**
 * The JDK's HTTP server sends an answer's head and body in two writes; with Nagle's algorithm on, the body waits for
 * the client's delayed ACK (about 40 ms on Linux), which made every answer of the sandbox that late. The server reads
 * its setting once, when its first instance starts: the sandbox's servers come from {@link LoopbackHttp}, which sets
 * it first.
 */
class NoDelayTest {

    @Test
    void theSandboxsHttpServersAnswerWithoutNaglesDelay() throws Exception {
        HttpServer server = LoopbackHttp.server(0, 1);
        try {
            assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
        } finally {
            server.stop(0);
        }
    }
}
