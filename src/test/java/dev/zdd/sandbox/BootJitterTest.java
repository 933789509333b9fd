package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootJitterTest {

    private static final Duration BASE = Duration.ofSeconds(2);

    @Test
    void withoutJitterEveryBootTakesTheBaseTime() {
        assertThat(Sandbox.jittered(BASE, Duration.ZERO, new Random(1))).isEqualTo(BASE);
    }

    @Test
    void withJitterBootsSpreadOverTheWholeRangeAndStayInsideIt() {
        Random random = new Random(42);
        Duration jitter = Duration.ofSeconds(1);
        Set<Long> tenths = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Duration boot = Sandbox.jittered(BASE, jitter, random);
            assertThat(boot).isGreaterThanOrEqualTo(BASE).isLessThan(BASE.plus(jitter));
            tenths.add(boot.minus(BASE).toMillis() / 100);
        }
        assertThat(tenths).hasSize(10); // every tenth of the range is hit: not stuck at either end
    }

    @Test
    void refusesANegativeJitter() {
        assertThatThrownBy(() -> Sandbox.builder().bootJitter(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boot jitter");
    }
}
