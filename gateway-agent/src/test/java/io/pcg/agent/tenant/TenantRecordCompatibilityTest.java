package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.agent.state.AgentState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state file written before {@code pcg.agent.tenant.pivot} existed still reads: its clusters were pivoted. */
class TenantRecordCompatibilityTest {

    @Test
    void aRecordWithoutInPlaceIsAPivotedCluster(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(TenantStore.FILE);
        TenantStore store = new TenantStore(AgentState.local(dir));
        store.save(
                TenantRecord.accepted(TenantRequests.valid(), "default", true).withPhase(TenantPhase.APPLIED));
        String written = Files.readString(file);
        assertThat(written).contains("\"inPlace\" : true");
        Files.writeString(file, written.replaceAll(",\\s*\"inPlace\" : true", ""));
        assertThat(Files.readString(file)).doesNotContain("inPlace");

        TenantRecord old = new TenantStore(AgentState.local(dir)).get("team-a").orElseThrow();
        assertThat(old.inPlace()).isFalse();
        assertThat(old.settled())
                .as("applied, not moved: not where a pivoted cluster stays")
                .isFalse();
        assertThat(old.withPhase(TenantPhase.MOVED).settled()).isTrue();
    }
}
