package dev.zdd.platform.swarm;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.UnixSocket;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.config.ConnectionConfig;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.config.RequestConfig;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.impl.classic.HttpClients;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.SystemDefaultDnsResolver;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.http.ClassicHttpResponse;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.http.Header;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.http.HttpHost;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.http.io.SocketConfig;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.net.URIAuthority;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.util.TimeValue;
import com.github.dockerjava.zerodep.shaded.org.apache.hc.core5.util.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The Docker Engine's transport: docker-java's own sockets (a unix socket, TCP, TLS with the docker CLI's
 * certificates) under the HTTP client it ships, built here rather than by its builder so that it follows no
 * redirect and retries nothing by itself. The builder's client followed a redirect wherever it pointed, a
 * service's spec (environment variables included) with it on a 307; an engine never redirects, so whatever does is
 * not believed (see {@link DockerApi}), and retries are zdd's to decide.
 */
final class DockerTransport implements DockerHttpClient {

    /** What the engine is called on a unix socket, where there is no host: the docker CLI's own choice. */
    private static final int UNIX_PORT = 2375;

    private final CloseableHttpClient client;
    private final HttpHost host;
    private final String pathPrefix;

    DockerTransport(URI dockerHost, SSLContext tls, int connections, Duration connectTimeout,
                    Duration responseTimeout) {
        String scheme = dockerHost.getScheme().toLowerCase(Locale.ROOT);
        boolean unix = scheme.equals("unix");
        String socketPath = dockerHost.getPath();
        if (unix) {
            host = new HttpHost("unix", "localhost", UNIX_PORT);
            pathPrefix = "";
        } else {
            host = new HttpHost(tls != null ? "https" : "http", dockerHost.getHost(), dockerHost.getPort());
            String path = dockerHost.getRawPath() == null ? "" : dockerHost.getRawPath();
            pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }
        // Without TLS the scheme is never https, so there is no strategy to build: the system's default one would
        // parse the JVM's whole trust store at every start, for nothing.
        TlsSocketStrategy strategy = tls != null ? new DefaultClientTlsStrategy(tls) : null;
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> unix ? UnixSocket.get(socketPath) : new Socket(),
                DefaultSchemePortResolver.INSTANCE, SystemDefaultDnsResolver.INSTANCE,
                name -> "https".equalsIgnoreCase(name) ? strategy : null);
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(operator, null, null,
                null, null);
        pool.setDefaultSocketConfig(SocketConfig.copy(SocketConfig.DEFAULT).setSoTimeout(Timeout.ZERO_MILLISECONDS)
                .build());
        pool.setMaxTotal(connections);
        pool.setDefaultMaxPerRoute(connections);
        pool.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setValidateAfterInactivity(TimeValue.NEG_ONE_SECOND)
                .setConnectTimeout(connectTimeout == null ? null
                        : Timeout.of(connectTimeout.toNanos(), TimeUnit.NANOSECONDS))
                .build());
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(responseTimeout == null ? null
                                : Timeout.of(responseTimeout.toNanos(), TimeUnit.NANOSECONDS))
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableConnectionState()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    @Override
    public Response execute(Request request) {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), URI.create(pathPrefix + request.path()));
        http.setScheme(host.getSchemeName());
        http.setAuthority(new URIAuthority(host.getHostName(), host.getPort()));
        request.headers().forEach(http::addHeader);
        if (request.bodyBytes() != null) {
            http.setEntity(new ByteArrayEntity(request.bodyBytes(), null));
        }
        try {
            ClassicHttpResponse response = client.executeOpen(host, http, null);
            return new Answer(http, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /**
     * An answer whose body is read as it comes. Closing it aborts the request first, as docker-java does: a body
     * read to its end has given its connection back already, and one that was not (a stream being closed) must end
     * now rather than be read to its end.
     */
    private record Answer(HttpUriRequestBase request, ClassicHttpResponse response) implements Response {

        @Override
        public int getStatusCode() {
            return response.getCode();
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header header : response.getHeaders()) {
                headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
            }
            return headers;
        }

        @Override
        public InputStream getBody() {
            try {
                return response.getEntity() == null ? InputStream.nullInputStream()
                        : response.getEntity().getContent();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            request.abort();
            try {
                response.close();
            } catch (IOException e) {
                // the connection is going away anyway
            }
        }
    }
}
