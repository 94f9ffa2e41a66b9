package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.common.secrets.Secret;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import io.pcg.vsphere.soap.Thumbprints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Login, certificate pinning and session reuse against vcsim; and the password never shows up. */
class VsphereConnectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    private static Vcsim vcsim;
    private static LogCapture logs;
    private static Thumbprints thumbprints;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.capture();
        vcsim = VCSIM.vcsim();
        thumbprints = VcsimAccess.thumbprints(vcsim);
    }

    @AfterAll
    static void stop() {
        String logged = logs.all();
        logs.close();
        assertThat(logged).contains("logged in to").doesNotContain(Vcsim.PASSWORD);
    }

    @Test
    void logsInWithThePinnedSha256ThumbprintAndLogsOut() throws Exception {
        VsphereClient client =
                VsphereConnector.connect(VcsimAccess.login(vcsim, thumbprints.sha256()), VsphereConfig.defaults());
        assertThat(client.server().apiType()).isEqualTo("VirtualCenter");
        assertThat(client.server().userName()).isEqualTo(Vcsim.USERNAME);
        assertThat(client.server().thumbprints()).isEqualTo(thumbprints);
        assertThat(client.isAlive()).isTrue();
        client.close();
        assertThat(client.isAlive()).isFalse();
    }

    @Test
    void sha1PinInColonlessLowerCaseWorksToo() throws Exception {
        String pin = thumbprints.sha1().replace(":", "").toLowerCase();
        try (VsphereClient client = VsphereConnector.connect(VcsimAccess.login(vcsim, pin), VsphereConfig.defaults())) {
            assertThat(client.isAlive()).isTrue();
        }
    }

    @Test
    void wrongPasswordFailsWithItsOwnReasonAndNoSecret() {
        String wrong = "Wrong-Pa55!word";
        VsphereException e = catchThrowableOfType(
                VsphereException.class,
                () -> VsphereConnector.connect(
                        VsphereLogin.of(vcsim.server(), Vcsim.USERNAME, Secret.of(wrong), thumbprints.sha256()),
                        VsphereConfig.defaults()));
        assertThat(e.reason()).isEqualTo(Reason.LOGIN_FAILED);
        assertThat(e.code()).isEqualTo("vsphere.login-failed");
        assertThat(e.getMessage())
                .contains("rejected the user name or password")
                .doesNotContain(wrong);
        assertThat(e.hint()).doesNotContain(wrong);
        assertThat(logs.all()).doesNotContain(wrong);
    }

    @Test
    void wrongPinIsRefusedAndTellsTheRealThumbprint() {
        String otherPin = "AA:".repeat(31) + "AA";
        VsphereException e = catchThrowableOfType(
                VsphereException.class,
                () -> VsphereConnector.connect(VcsimAccess.login(vcsim, otherPin), VsphereConfig.defaults()));
        assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_CERTIFICATE);
        assertThat(e.getMessage())
                .contains("does not match the pinned thumbprint")
                .contains(thumbprints.sha256());
    }

    @Test
    void withoutPinASelfSignedVcenterIsNotTrustedAndTheThumbprintIsShown() {
        VsphereException e = catchThrowableOfType(
                VsphereException.class,
                () -> VsphereConnector.connect(VcsimAccess.login(vcsim, null), VsphereConfig.defaults()));
        assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_CERTIFICATE);
        assertThat(e.getMessage()).contains(thumbprints.sha256()).contains(thumbprints.sha1());
    }

    @Test
    void sessionsAreReusedWhileAliveAndReplacedWhenNot() throws Exception {
        try (VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            VsphereClient first = sessions.session(VcsimAccess.login(vcsim, thumbprints.sha256()));
            assertThat(sessions.session(VcsimAccess.login(vcsim, thumbprints.sha256())))
                    .isSameAs(first);
            first.close(); // logged out behind the pool's back: the next call must notice
            VsphereClient second = sessions.session(VcsimAccess.login(vcsim, thumbprints.sha256()));
            assertThat(second).isNotSameAs(first);
            assertThat(second.isAlive()).isTrue();
        }
    }

    @Test
    void thumbprintCommandShowsBothFingerprints() throws Exception {
        String result = new VsphereThumbprintHandler(VsphereConfig.defaults())
                .handle(new AgentCommand("c1", "vsphere.thumbprint", "{\"server\":\"" + vcsim.server() + "\"}"));
        JsonNode json = JSON.readTree(result);
        assertThat(json.get("sha256").asText()).isEqualTo(thumbprints.sha256());
        assertThat(json.get("sha1").asText()).isEqualTo(thumbprints.sha1());
    }

    @Test
    void validateCommandReportsAWrongPasswordAsAFailedCredentialsCheck() throws Exception {
        try (VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            String result = new VsphereValidateHandler(new VcenterValidation(sessions))
                    .handle(new AgentCommand("c2", "vsphere.validate", payload("not-the-password")));
            JsonNode report = JSON.readTree(result);
            assertThat(report.get("status").asText()).isEqualTo("FAIL");
            assertThat(report.get("checks").get(0).get("id").asText()).isEqualTo("credentials");
            assertThat(result).doesNotContain("not-the-password");
        }
    }

    @Test
    void inventoryCommandFailsWithACodeForAnUntrustedCertificate() {
        try (VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            String noPin = "{\"server\":\"" + vcsim.server() + "\",\"username\":\"" + Vcsim.USERNAME
                    + "\",\"password\":\"" + Vcsim.PASSWORD + "\"}";
            CommandFailedException e = catchThrowableOfType(
                    CommandFailedException.class,
                    () -> new VsphereInventoryHandler(sessions)
                            .handle(new AgentCommand("c3", "vsphere.inventory", noPin)));
            assertThat(e.code()).isEqualTo("vsphere.untrusted-certificate");
            assertThat(e.getMessage() + e.hint()).doesNotContain(Vcsim.PASSWORD);
        }
    }

    private String payload(String password) {
        return "{\"server\":\"" + vcsim.server() + "\",\"username\":\"" + Vcsim.USERNAME + "\",\"password\":\""
                + password + "\",\"thumbprint\":\"" + thumbprints.sha256()
                + "\",\"placement\":{\"datacenter\":\"DC0\"}}";
    }
}
