package dev.zdd.cli.common;

import dev.zdd.time.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "10s, PT10S",
        "2m, PT2M",
        "1h, PT1H",
        "10, PT10S",
        "1.5, PT1.5S",
        "0, PT0S",
        "1.5m, PT1M30S",
        "PT10S, PT10S",
        "pt1m30s, PT1M30S",
    })
    void readsEveryFormOfTheContract(String text, String expected) {
        assertThat(converter.convert(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "10 s", "10sec", "-5s", "PT-5S", "5d", "1e3", "P"})
    void refusesAnythingElse_namingTheValue(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageStartingWith("'" + text + "' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void refusesAnEmptyValue(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageStartingWith("an empty value is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0001ms", "1.5ms", "0.0000001", "PT0.0001S"})
    void refusesWhatIsFinerThanAMillisecond_ratherThanRoundItAway(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is finer than a millisecond: give whole milliseconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999h", "721h", "P31D", "2592001"})
    void refusesWhatIsLongerThan30Days(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is longer than 30 days");
    }

    @Test
    void acceptsWholeMilliseconds_upTo30Days() {
        assertThat(converter.convert("0.5ms".replace("0.5", "1"))).isEqualTo(Duration.ofMillis(1));
        assertThat(converter.convert("720h")).isEqualTo(Duration.ofDays(30));
        assertThat(converter.convert("1.001s")).isEqualTo(Duration.ofMillis(1001));
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S, 500ms", "PT10S, 10s", "PT10M, 10m", "PT1H30M, 1h30m", "PT1.25S, 1.25s", "PT0S, 0s"})
    void showsSettingsAsTheyWereMostLikelyTyped(String duration, String shown) {
        assertThat(Durations.setting(Duration.parse(duration))).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"PT12.34S, 12.3s", "PT0.05S, 0.1s", "PT1M5.5S, 1m5s", "PT2H, 2h"})
    void showsMeasuredDurationsToATenthOfASecond(String duration, String shown) {
        assertThat(Durations.measured(Duration.parse(duration))).isEqualTo(shown);
    }
}
