package io.pcg.agent.cloudaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.CommandHandler;
import io.pcg.agent.vsphere.VcenterValidation;
import io.pcg.common.secrets.Secret;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cloudaccount.*} handlers without a vCenter: what is refused before anyone is asked, listing and deleting.
 * Creating and validating against vcsim is in {@code GatewayClusterProvisioningIT}.
 */
class CloudAccountCommandsTest {

    private static final String PASSWORD = "Lab-Passw0rd-9913";

    @TempDir
    Path stateDir;

    private CloudAccountStore accounts;
    /** Never reaches a vCenter here: every case is refused or answered before. */
    private VcenterValidation noVcenter;

    @BeforeEach
    void store() throws Exception {
        accounts = new CloudAccountStore(stateDir);
        noVcenter = new VcenterValidation(null);
        accounts.save(new CloudAccount(
                CloudAccount.DEFAULT, "vc1.example.net", "pcg@vsphere.local", Secret.of(PASSWORD), ""));
        accounts.add(new CloudAccount("lab", "vc2.example.net", "lab@vsphere.local", Secret.of(PASSWORD), "AB:CD"));
        accounts.bind("pcg-gateway", CloudAccount.DEFAULT);
    }

    @Test
    void aNameThatIsNoDnsLabelTheDefaultOrTakenIsRefusedBeforeVcenterIsAsked() {
        CloudAccountCommands.Create create = new CloudAccountCommands.Create(accounts, noVcenter);

        CommandFailedException badName = refused(
                create, "{\"name\":\"Lab_1\",\"server\":\"vc\",\"username\":\"u\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(badName.code()).isEqualTo(CloudAccountCommands.INVALID_REQUEST);
        assertThat(badName.getMessage()).contains("Lab_1", "lower-case letters").doesNotContain(PASSWORD);
        assertThat(refused(create, "{\"name\":\"default\",\"server\":\"vc\",\"username\":\"u\",\"password\":\"p\"}")
                        .getMessage())
                .contains("gateway.configure");
        assertThat(refused(create, "{\"name\":\"lab\",\"server\":\"vc\",\"username\":\"u\",\"password\":\"p\"}")
                        .code())
                .isEqualTo(CloudAccountStore.EXISTS);
        assertThat(refused(create, "{\"name\":\"lab-2\",\"server\":\"vc\",\"username\":\"u\"}")
                        .getMessage())
                .contains("needs a password");
        assertThat(refused(create, "{\"name\":\"lab-2\",\"pasword\":\"" + PASSWORD + "\"}")
                        .getMessage())
                .contains("unknown field 'pasword'")
                .doesNotContain(PASSWORD);
    }

    @Test
    void theListShowsWhoUsesWhatAndNoPassword() throws Exception {
        String listed = new CloudAccountCommands.ListAccounts(accounts)
                .handle(new AgentCommand("c1", "cloudaccount.list", "{}"));

        assertThat(listed)
                .isEqualTo("{\"accounts\":["
                        + "{\"name\":\"default\",\"server\":\"vc1.example.net\",\"username\":\"pcg@vsphere.local\",\"thumbprint\":\"\","
                        + "\"usedBy\":[\"pcg-gateway\"]},"
                        + "{\"name\":\"lab\",\"server\":\"vc2.example.net\",\"username\":\"lab@vsphere.local\",\"thumbprint\":\"AB:CD\","
                        + "\"usedBy\":[]}]}");
    }

    @Test
    void anAccountInUseIsNotDeletedAndTheRefusalNamesItsCluster() throws Exception {
        CloudAccountCommands.Delete delete = new CloudAccountCommands.Delete(accounts);

        CommandFailedException inUse = refused(delete, "{\"name\":\"default\"}");
        assertThat(inUse.code()).isEqualTo(CloudAccountStore.IN_USE);
        assertThat(inUse.getMessage()).contains("pcg-gateway");
        assertThat(inUse.hint()).contains("reset the gateway");
        assertThat(delete.handle(new AgentCommand("c2", "cloudaccount.delete", "{\"name\":\"lab\"}")))
                .isEqualTo("{\"deleted\":\"lab\"}");
        assertThat(refused(delete, "{\"name\":\"lab\"}").code()).isEqualTo(CloudAccountStore.NOT_FOUND);
        assertThat(accounts.list()).extracting(CloudAccount::name).containsExactly(CloudAccount.DEFAULT);
    }

    private static CommandFailedException refused(CommandHandler handler, String payload) {
        return catchThrowableOfType(
                () -> handler.handle(new AgentCommand("c", handler.type(), payload)), CommandFailedException.class);
    }
}
