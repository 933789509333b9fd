package dev.zdd.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.rollout.LoadBalancer.Server;
import dev.zdd.rollout.LoadBalancerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatsCsvTest {

    static String sample() throws IOException {
        try (InputStream in = StatsCsvTest.class.getResourceAsStream("show-stat-2.6.csv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheServersOfHaproxy26sShowStat_byColumnName_leavingOutFrontendsAndBackends() throws IOException {
        assertThat(StatsCsv.parse(sample(), "lb")).containsExactly(
                new Server("app", "s1", "127.0.0.1:47121", "DRAIN", 3, "L7OK"),
                new Server("app", "s2", "127.0.0.1:47122", "DOWN", 0, "L4CON"),
                new Server("nochk", "n1", null, "no check", 0, null));
    }

    @Test
    void aQuotedFieldMayHoldCommasAndQuotes() {
        assertThat(StatsCsv.split("a,\"b, \"\"c\"\"\",d,")).containsExactly("a", "b, \"c\"", "d", "");
    }

    @Test
    void columnsMayComeInAnyOrder_andAddrMayBeMissing() {
        String csv = "# svname,status,pxname,scur\nweb-1,UP 1/2,app,7\n";

        assertThat(StatsCsv.parse(csv, "lb")).containsExactly(new Server("app", "web-1", null, "UP 1/2", 7, null));
    }

    @Test
    void anAnswerThatIsNotTheStatisticsSaysWhatItWas() {
        assertThatThrownBy(() -> StatsCsv.parse("Unknown command. Please enter one of the following commands only :\n",
                "unix:///run/haproxy.sock"))
                .isInstanceOf(LoadBalancerException.class)
                .hasMessage("unix:///run/haproxy.sock: the answer is not HAProxy's CSV statistics (it starts with"
                            + " 'Unknown command. Please enter one of the following commands only :')");
        assertThatThrownBy(() -> StatsCsv.parse("# pxname,svname,status\n", "lb"))
                .hasMessage("lb: HAProxy's statistics have no 'scur' column");
        assertThatThrownBy(() -> StatsCsv.parse("# pxname,svname,scur,status\napp,s1,many,UP\n", "lb"))
                .hasMessage("lb: a session count that is not a number: 'many'");
    }
}
