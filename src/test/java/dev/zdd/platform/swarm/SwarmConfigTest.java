package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.platform.PlatformException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwarmConfigTest {

    private static final Path HOME = Path.of("/home/ann");

    @Test
    void defaultsToTheLocalSocketWithoutTls_asTheDockerCliDoes() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of(), HOME);

        assertThat(config.dockerHost()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
        assertThat(config.tlsVerify()).isFalse();
        assertThat(config.certPath()).isEqualTo(Path.of("/home/ann/.docker"));
        assertThat(config.connectTimeout()).isPositive();
        assertThat(config.responseTimeout()).isPositive();
    }

    @Test
    void readsDockerHostTlsVerifyAndCertPath() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/etc/docker/certs"), HOME);

        assertThat(config.dockerHost()).isEqualTo(URI.create("tcp://10.0.0.5:2376"));
        assertThat(config.tlsVerify()).isTrue();
        assertThat(config.certPath()).isEqualTo(Path.of("/etc/docker/certs"));
    }

    @Test
    void anyNonEmptyTlsVerifyTurnsVerificationOn_likeTheDockerCli() {
        assertThat(SwarmConfig.fromEnvironment(Map.of("DOCKER_TLS_VERIFY", "0"), HOME).tlsVerify()).isTrue();
        assertThat(SwarmConfig.fromEnvironment(Map.of("DOCKER_TLS_VERIFY", ""), HOME).tlsVerify()).isFalse();
    }

    @Test
    void anApiUrlOptionReplacesTheHostAndKeepsTheRest() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_TLS_VERIFY", "1"), HOME)
                .withDockerHost(URI.create("unix:///tmp/d.sock"));

        assertThat(config.dockerHost()).isEqualTo(URI.create("unix:///tmp/d.sock"));
        assertThat(config.tlsVerify()).isTrue();
    }

    @Test
    void refusesAddressesZddCannotUse() {
        for (String host : new String[] {"ssh://me@box", "npipe:////./pipe/docker_engine", "http://x:2375",
                                         "tcp://nohostport", "unix://", "not a uri"}) {
            assertThatThrownBy(() -> SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST", host), HOME))
                    .as(host)
                    .isInstanceOfSatisfying(PlatformException.class,
                            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION));
        }
    }

    @Test
    void plainTcpIsRefusedForARemoteEngine_unlessInsecureHttpOrTls() {
        for (String host : new String[] {"tcp://10.0.0.5:2375", "tcp://docker.example:2375", "tcp://127.example:2375"}) {
            SwarmConfig config = new SwarmConfig(URI.create(host), false, null);
            assertThat(config.isPlainRemoteTcp()).as(host).isTrue();
            assertThatThrownBy(() -> new SwarmPlatform(config)).as(host)
                    .isInstanceOfSatisfying(PlatformException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains("DOCKER_TLS_VERIFY", "--insecure-http");
                    });
            new SwarmPlatform(config.withInsecureHttp(true)).close();
        }
        for (String host : new String[] {"tcp://127.0.0.1:2375", "tcp://localhost:2375", "tcp://[::1]:2375",
                                         "unix:///var/run/docker.sock"}) {
            assertThat(new SwarmConfig(URI.create(host), false, null).isPlainRemoteTcp()).as(host).isFalse();
        }
        assertThat(new SwarmConfig(URI.create("tcp://10.0.0.5:2376"), true, Path.of("/certs")).isPlainRemoteTcp())
                .isFalse();
    }

    @Test
    void severalManagers_separatedByCommas_inDockerHostOrTheApiUrl() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST",
                "tcp://10.0.0.1:2376, tcp://10.0.0.2:2376,unix:///run/m3.sock"), HOME);

        assertThat(config.dockerHosts()).containsExactly(URI.create("tcp://10.0.0.1:2376"),
                URI.create("tcp://10.0.0.2:2376"), URI.create("unix:///run/m3.sock"));
        assertThat(config.dockerHost()).isEqualTo(URI.create("tcp://10.0.0.1:2376"));
        assertThat(config.withDockerHosts("unix:///a.sock,unix:///b.sock").dockerHosts())
                .containsExactly(URI.create("unix:///a.sock"), URI.create("unix:///b.sock"));
        assertThat(config.withDockerHosts("unix:///a.sock,unix:///b.sock").describeHosts())
                .isEqualTo("unix:///a.sock,unix:///b.sock");
    }

    @Test
    void anEmptyManager_theSameOneTwice_orABadOne_isAConfigurationError() {
        for (String hosts : List.of("tcp://10.0.0.1:2376,", ",unix:///a.sock", "unix:///a.sock,,unix:///b.sock",
                "unix:///a.sock,unix:///a.sock", "unix:///a.sock,ssh://m2")) {
            assertThatThrownBy(() -> SwarmConfig.parseHosts(hosts)).as(hosts)
                    .isInstanceOfSatisfying(PlatformException.class,
                            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION));
        }
    }

    @Test
    void plainTcpToAnyRemoteManager_isRefusedForAll() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST",
                "tcp://127.0.1.1:2375,tcp://10.0.0.2:2375"), HOME);

        assertThat(config.isPlainRemoteTcp()).isTrue();
        assertThat(config.plainRemoteTcpHost()).isEqualTo(URI.create("tcp://10.0.0.2:2375"));
    }
}
