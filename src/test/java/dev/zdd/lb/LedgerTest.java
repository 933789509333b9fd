package dev.zdd.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancerException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerTest {

    private final List<String> orders = new ArrayList<>();
    private boolean failReady;

    private final LoadBalancer target = new LoadBalancer() {
        @Override
        public String describe() {
            return "lb";
        }

        @Override
        public List<Server> servers() {
            return List.of();
        }

        @Override
        public void set(String backend, String server, Admin state) {
            if (failReady && state == Admin.READY) {
                throw new LoadBalancerException("lb: connection refused");
            }
            orders.add(state.word() + " " + backend + "/" + server);
        }
    };

    @Test
    void undoSetsReadyWhatIsStillDrained_andOnlyThat() {
        Ledger ledger = new Ledger(target);
        ledger.set("app", "a", LoadBalancer.Admin.DRAIN);
        ledger.set("app", "b", LoadBalancer.Admin.DRAIN);
        ledger.set("app", "a", LoadBalancer.Admin.READY);

        assertThat(ledger.drained()).containsExactly("app/b");
        assertThat(ledger.undo()).isEmpty();
        assertThat(orders).containsExactly("drain app/a", "drain app/b", "ready app/a", "ready app/b");
        assertThat(ledger.drained()).isEmpty();
    }

    @Test
    void whatCantBeUndoneIsSaid() {
        Ledger ledger = new Ledger(target);
        ledger.set("app", "a", LoadBalancer.Admin.DRAIN);
        failReady = true;

        assertThat(ledger.undo()).containsExactly("app/a in lb: lb: connection refused");
        assertThat(ledger.drained()).containsExactly("app/a");
    }
}
