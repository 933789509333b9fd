package dev.zdd.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolverTest {

    private final InMemoryPlatform platform = new InMemoryPlatform(new FakeTime());
    private final Resolver resolver = new Resolver(platform);

    @Test
    void resolvesAnExactName() {
        Service web = platform.add("web");
        platform.add("web-2");

        assertThat(resolver.resolve(List.of("web"))).extracting(Target::id).containsExactly(web.id());
    }

    @Test
    void resolvesAFullUuid_inAnyCase() {
        Service web = platform.add("web");

        assertThat(resolver.resolve(List.of(web.id().toUpperCase()))).extracting(Target::id)
                .containsExactly(web.id());
    }

    @Test
    void aHexLookingNameIsANameNeverAUuidPrefix() {
        Service cafe = platform.add("cafe");
        Service other = platform.add("other");
        String prefix = other.id().substring(0, 4);
        Service named = platform.add(prefix);

        assertThat(resolver.resolve(List.of("cafe"))).extracting(Target::id).containsExactly(cafe.id());
        assertThat(resolver.resolve(List.of(prefix))).extracting(Target::id).containsExactly(named.id());
        assertThatThrownBy(() -> resolver.resolve(List.of(other.id().substring(0, 8))))
                .isInstanceOf(ResolutionException.class).hasMessageContaining("matches no live service");
    }

    @Test
    void aNameInTwoStacksIsAmbiguous_andTheCandidatesAreListed() {
        Service a = platform.add("web", "blue", ServiceState.RUNNING, 1, 1);
        Service b = platform.add("web", "green", ServiceState.RUNNING, 1, 1);

        assertThatThrownBy(() -> resolver.resolve(List.of("web")))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.unresolved()).hasSize(1);
                    assertThat(e.unresolved().get(0).candidates()).containsExactlyInAnyOrder(a, b);
                })
                .hasMessageContaining("stack blue").hasMessageContaining(a.id())
                .hasMessageContaining("stack green").hasMessageContaining(b.id());
    }

    @Test
    void nameDotStackPicksOne() {
        platform.add("web", "blue", ServiceState.RUNNING, 1, 1);
        Service green = platform.add("web", "green", ServiceState.RUNNING, 1, 1);

        List<Target> targets = resolver.resolve(List.of("web.green"));

        assertThat(targets).extracting(Target::id).containsExactly(green.id());
        assertThat(targets.get(0).label()).isEqualTo("web.green");
    }

    @Test
    void terminatedNamesakesAreNeverCandidates() {
        platform.add("web", null, ServiceState.TERMINATED, 0, 1);
        Service live = platform.add("web");

        assertThat(resolver.resolve(List.of("web"))).extracting(Target::id).containsExactly(live.id());
    }

    @Test
    void aTerminatedServiceAloneMatchesNothing() {
        Service gone = platform.add("web", null, ServiceState.TERMINATED, 0, 1);

        assertThatThrownBy(() -> resolver.resolve(List.of("web"))).isInstanceOf(ResolutionException.class);
        assertThatThrownBy(() -> resolver.resolve(List.of(gone.id()))).isInstanceOf(ResolutionException.class);
    }

    @Test
    void everyUnresolvedArgumentIsReportedAtOnce() {
        platform.add("web");

        assertThatThrownBy(() -> resolver.resolve(List.of("nope", "web", "nada")))
                .isInstanceOfSatisfying(ResolutionException.class, e -> assertThat(e.unresolved())
                        .extracting(ResolutionException.Unresolved::argument).containsExactly("nope", "nada"));
    }

    @Test
    void twoArgumentsForTheSameServiceAreADuplicate() {
        Service web = platform.add("web");

        assertThatThrownBy(() -> resolver.resolve(List.of("web", web.id())))
                .isInstanceOf(DuplicateTargetException.class).hasMessageContaining("same service");
    }
}
