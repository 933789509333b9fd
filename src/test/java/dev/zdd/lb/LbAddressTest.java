package dev.zdd.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LbAddressTest {

    @Test
    void aUnixUrlIsTheRuntimeApisSocket() {
        LbAddress address = LbAddress.parse("unix:///run/haproxy/admin.sock");

        assertThat(address.socket()).isEqualTo(Path.of("/run/haproxy/admin.sock"));
        assertThat(address.describe()).isEqualTo("unix:///run/haproxy/admin.sock");
        assertThat(address.open(null)).isInstanceOf(HaproxySocket.class);
    }

    @Test
    void anHttpUrlIsTheStatsPage_itsCredentialsKeptApartFromWhatIsShown() {
        LbAddress address = LbAddress.parse("https://admin:p%40ss@lb.example.com:8404/haproxy?stats");

        assertThat(address.page()).isEqualTo(URI.create("https://lb.example.com:8404/haproxy?stats"));
        assertThat(address.credentials()).isEqualTo("admin:p@ss");
        assertThat(address.describe()).isEqualTo("https://lb.example.com:8404/haproxy?stats").doesNotContain("admin");
        assertThat(address.isPlainHttpOffLoopback()).isFalse();
        assertThat(LbAddress.parse("http://10.0.0.5:8404/stats").isPlainHttpOffLoopback()).isTrue();
        assertThat(LbAddress.parse("http://127.0.0.1:8404/stats").isPlainHttpOffLoopback()).isFalse();
        assertThat(LbAddress.parse("http://127.0.0.1:8404").page().getPath()).isEqualTo("/");
    }

    @Test
    void anythingElseSaysWhatAnLbUrlIs() {
        assertThatThrownBy(() -> LbAddress.parse("/run/haproxy.sock"))
                .hasMessage("not unix:///path/to/admin.sock or http(s)://host:port/path");
        assertThatThrownBy(() -> LbAddress.parse("unix://run/haproxy.sock"))
                .hasMessage("a socket is unix:///absolute/path/to/admin.sock");
        assertThatThrownBy(() -> LbAddress.parse("tcp://127.0.0.1:9999"))
                .hasMessage("not unix:///path/to/admin.sock or http(s)://host:port/path");
        assertThatThrownBy(() -> LbAddress.parse("http://u:p@host:80/a b")).hasMessage("not a URL");
    }
}
