package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * vCenter goes down between two validations and comes back (vcsim stopped and started on the same port): the
 * validation in between fails with a code, a message and a hint, none with the password, and the operator's retry
 * succeeds although the agent's cached session died with the old vCenter.
 */
class VcenterRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @Test
    void validationWhileVcenterIsDownFailsClearlyAndARetryAfterItIsBackSucceeds() throws Exception {
        Vcsim vcsim = VCSIM.vcsim();
        String payload =
                "{\"server\":\"" + vcsim.server() + "\",\"username\":\"" + Vcsim.USERNAME + "\",\"password\":\""
                        + Vcsim.PASSWORD + "\",\"thumbprint\":\""
                        + VcsimAccess.thumbprints(vcsim).sha256()
                        + "\",\"placement\":{\"datacenter\":\"DC0\"}}";
        String logged;
        try (LogCapture logs = LogCapture.capture();
                VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            VsphereValidateHandler validate = new VsphereValidateHandler(new VcenterValidation(sessions));
            assertThat(credentialsCheck(validate.handle(new AgentCommand("v1", "vsphere.validate", payload))))
                    .isEqualTo("PASS");

            vcsim.stop();
            CommandFailedException down = catchThrowableOfType(
                    CommandFailedException.class,
                    () -> validate.handle(new AgentCommand("v2", "vsphere.validate", payload)));

            assertThat(down)
                    .as("validation while vCenter is down fails the command")
                    .isNotNull();
            assertThat(down.code()).isEqualTo("vsphere.connection-refused");
            assertThat(down.getMessage()).contains(vcsim.server());
            assertThat(down.hint()).isNotBlank();
            assertThat(down.getMessage() + down.hint()).doesNotContain(Vcsim.PASSWORD);

            vcsim.restart();
            assertThat(credentialsCheck(validate.handle(new AgentCommand("v3", "vsphere.validate", payload))))
                    .as("the retry logs in again to the restarted vCenter")
                    .isEqualTo("PASS");
            logged = logs.all();
        }
        assertThat(logged).doesNotContain(Vcsim.PASSWORD);
    }

    private static String credentialsCheck(String result) throws Exception {
        JsonNode report = JSON.readTree(result);
        for (JsonNode check : report.get("checks")) {
            if (check.get("id").asText().equals("credentials")) {
                return check.get("status").asText();
            }
        }
        throw new AssertionError("no credentials check in " + result);
    }
}
