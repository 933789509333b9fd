package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.time.FakeTime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 5 of issue 17, from Tutum's action list documentation: {@code include_related=true} with {@code object}
 * adds the actions of related objects ("Service: all containers in the service, service, stack (if any)";
 * "Container: container, service, stack (if any)"); {@code start_date__gte}/{@code __lte} ("after or on the date
 * supplied", "before or on") and the same for {@code end_date}; and, as Tastypie did, a parameter that names no
 * field is ignored.
 */
@Timeout(20)
class ActionFiltersTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The first action runs on 2026-01-01 at 10:00 UTC, the others a day later. */
    private final FakeTime time = new FakeTime(Instant.parse("2026-01-01T10:00:00Z"));
    private Sandbox sandbox;
    private ApiClient api;
    private String service;
    private String stack;
    private String container;
    private String containerAction;
    private String serviceAction;
    private String otherAction;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web.shop", "other")).containersPerService(2).clock(time)
                .sleeper(time).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox);
        JsonNode web = api.service("web");
        service = web.path("resource_uri").asText();
        stack = web.path("stack").asText();
        container = web.path("containers").get(0).asText();
        containerAction = done(api.post(container + "redeploy/"));
        time.advance(Duration.ofDays(1)); // 2026-01-02
        serviceAction = done(api.post(service + "redeploy/"));
        otherAction = done(api.post(api.service("other").path("resource_uri").asText() + "redeploy/"));
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    private String done(ApiClient.Answer accepted) {
        String action = accepted.header("X-Tutum-Action-URI");
        api.await(action, a -> a.path("state").asText().equals("Success"), WAIT);
        return action;
    }

    @Test
    void includeRelated_addsAServicesContainerActions_andAContainersServiceActions() {
        assertThat(actions("?object=" + encode(service))).containsExactly(serviceAction);
        assertThat(actions("?object=" + encode(service) + "&include_related=true"))
                .containsExactlyInAnyOrder(serviceAction, containerAction);
        assertThat(actions("?object=" + encode(service) + "&include_related=false")).containsExactly(serviceAction);
        assertThat(actions("?object=" + encode(container))).containsExactly(containerAction);
        assertThat(actions("?object=" + encode(container) + "&include_related=true"))
                .containsExactlyInAnyOrder(containerAction, serviceAction);
        assertThat(actions("?object=" + encode(stack) + "&include_related=true"))
                .containsExactlyInAnyOrder(containerAction, serviceAction);
    }

    @Test
    void dateFilters_takeADayOrAnInstant_andOnOrAfterAndOnOrBeforeIncludeTheWholeDay() {
        assertThat(actions("?start_date__gte=2026-01-02")).containsExactlyInAnyOrder(serviceAction, otherAction);
        assertThat(actions("?start_date__lte=2026-01-01")).containsExactly(containerAction);
        assertThat(actions("?start_date__lt=2026-01-02")).containsExactly(containerAction);
        assertThat(actions("?start_date__gt=2026-01-01")).containsExactlyInAnyOrder(serviceAction, otherAction);
        assertThat(actions("?end_date__gte=2026-01-02&end_date__lte=2026-01-02"))
                .containsExactlyInAnyOrder(serviceAction, otherAction);
        assertThat(actions("?start_date__gte=2026-01-02T10:00:00Z")).containsExactlyInAnyOrder(serviceAction,
                otherAction);
        assertThat(actions("?start_date__lte=" + encode("2026-01-02 09:59:59"))).containsExactly(containerAction);
        assertThat(actions("?start_date__lte=" + encode("Thu, 01 Jan 2026 10:00:00 +0000")))
                .containsExactly(containerAction);
        assertThat(actions("?start_date__gte=2026-01-01&object=" + encode(service) + "&include_related=true"))
                .containsExactlyInAnyOrder(serviceAction, containerAction);
    }

    @Test
    void anActionStillRunning_hasNoEndDate_soNoEndDateFilterMatchesIt() {
        sandbox.hangNextRedeploy("other");
        String hanging = api.post(api.service("other").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");

        assertThat(actions("?end_date__gte=2000-01-01")).doesNotContain(hanging);
        assertThat(actions("?start_date__gte=2026-01-02")).contains(hanging);
    }

    @Test
    void unknownParametersAreIgnored_aFieldWithoutSuchAFilterIsA400_asTastypieAnswered() {
        assertThat(actions("?colour=red&utm_source=x")).hasSize(3);
        assertThat(api.get("/api/v1/service/?colour=red").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/container/?not_a_field__in=1,2").status()).isEqualTo(200);

        ApiClient.Answer noFilter = api.get("/api/v1/action/?user_agent=x");
        ApiClient.Answer noLookup = api.get("/api/v1/action/?start_date__year=2026");
        ApiClient.Answer badDate = api.get("/api/v1/action/?start_date__gte=yesterday");

        assertThat(noFilter.status()).isEqualTo(400);
        assertThat(noFilter.json().path("error").asText()).isEqualTo("The 'user_agent' field does not allow filtering.");
        assertThat(noLookup.status()).isEqualTo(400);
        assertThat(noLookup.json().path("error").asText()).contains("'year' is not an allowed filter");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.json().path("error").asText()).contains("start_date__gte", "yesterday");
    }

    private List<String> actions(String query) {
        ApiClient.Answer answer = api.get("/api/v1/action/" + query);
        assertThat(answer.status()).as("GET /api/v1/action/%s: %s", query, answer.raw().body()).isEqualTo(200);
        return StreamSupport.stream(answer.json().path("objects").spliterator(), false)
                .map(a -> a.path("resource_uri").asText()).toList();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
