package io.pcg.console.control;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayState;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delete action. An online gateway is sent {@value #DELETE}: its agent refuses while tenant clusters exist
 * (the record stays as it was, the command carries the agent's error), or takes the gateway cluster down, reports
 * {@value #DELETED} and unpairs; that event is the signal to forget the gateway. It is the robust one: the agent
 * answers the command at once, long before the gateway cluster is gone, and it sends the event only once the
 * deletion is complete, then lets the console read it before it closes the stream. A gateway that cannot do this
 * itself (never paired, offline, revoked) is forgotten on the admin's word ({@code force}); its VMs are then the
 * admin's to delete in vSphere.
 *
 * <p>Synchronized, so that the event of an agent that deletes itself quickly is never handled before the record
 * was marked as being deleted.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayDeletions {

    /** The command that deletes the gateway on its appliance. */
    public static final String DELETE = "gateway.delete";
    /** Reason of the agent's event that says the deletion is complete and the appliance unpairs. */
    public static final String DELETED = "GatewayDeleted";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDeletions.class);

    private final GatewayStore store;
    private final GatewaySessions sessions;
    private final CommandService commands;
    private final GatewayEvents events;

    public GatewayDeletions(
            GatewayStore store, GatewaySessions sessions, CommandService commands, GatewayEvents events) {
        this.store = store;
        this.sessions = sessions;
        this.commands = commands;
        this.events = events;
    }

    /**
     * Starts deleting the gateway, or with {@code force} forgets it at once.
     *
     * @return the {@value #DELETE} command sent, or empty when the gateway was forgotten
     * @throws ConsoleException CONFLICT when the gateway cannot be deleted that way now, saying what to do instead
     */
    public synchronized Optional<CommandRecord> delete(String gatewayId, boolean force) {
        GatewayRecord gateway = store.get(gatewayId);
        boolean online = sessions.isConnected(gatewayId);
        if (force) {
            if (online) {
                throw new ConsoleException(
                        ConsoleException.Kind.CONFLICT,
                        "gateway " + gatewayId + " is online: delete it"
                                + " without force, so that its agent takes the gateway cluster down and unpairs");
            }
            sessions.forget(
                    gatewayId,
                    "forgotten by an admin while " + gateway.state().label()
                            + "; its VMs in vSphere are left to delete by hand");
            return Optional.empty();
        }
        if (gateway.deleteCommandId() != null) {
            throw new ConsoleException(
                    ConsoleException.Kind.CONFLICT,
                    "gateway " + gatewayId + " is being deleted"
                            + " already (command " + gateway.deleteCommandId()
                            + "); if it went offline for good, forget it"
                            + " with ?force=true and delete its VMs in vSphere");
        }
        if (!online) {
            throw new ConsoleException(
                    ConsoleException.Kind.CONFLICT,
                    "gateway " + gatewayId + " is "
                            + gateway.state().label() + (neverConnected(gateway) ? " and never connected" : "")
                            + ": only a connected agent can take its gateway cluster down. Bring it online, or forget it with"
                            + " ?force=true and delete its VMs in vSphere by hand");
        }
        CommandRecord command = commands.submit(gatewayId, DELETE, "{}");
        store.update(gatewayId, record -> record.withDeleteCommand(command.id()));
        events.recordFromConsole(
                gatewayId,
                "Warning",
                "DeleteRequested",
                "An admin deleted the gateway; its agent" + " takes the gateway cluster down and unpairs (command "
                        + command.id() + ")");
        return Optional.of(command);
    }

    /** The agent answered a command: a refused {@value #DELETE} leaves the gateway as it was before. */
    synchronized void commandFinished(String gatewayId, CommandResult result) {
        if (result.getStatus() != CommandStatus.COMMAND_STATUS_FAILED) {
            return;
        }
        store.find(gatewayId)
                .filter(gateway -> result.getCommandId().equals(gateway.deleteCommandId()))
                .ifPresent(gateway -> {
                    store.update(gatewayId, record -> record.withDeleteCommand(null));
                    events.recordFromConsole(
                            gatewayId,
                            "Warning",
                            "DeleteRefused",
                            "The agent refused to delete the gateway: "
                                    + result.getError().getMessage() + " ("
                                    + result.getError().getCode() + ")");
                });
    }

    /** The agent reported {@value #DELETED}: the gateway cluster is gone and the appliance unpairs. */
    synchronized void agentDeleted(String gatewayId) {
        Optional<GatewayRecord> gateway = store.find(gatewayId);
        if (gateway.isEmpty()) {
            return;
        }
        if (gateway.get().deleteCommandId() == null) {
            // Only this console's gateway.delete makes an agent delete itself; still, the appliance is unpaired now.
            LOG.warn("Gateway {} reported {} without a delete under way; forgetting it", gatewayId, DELETED);
        }
        sessions.forget(gatewayId, "its agent took the gateway cluster down and unpaired");
    }

    private static boolean neverConnected(GatewayRecord gateway) {
        return gateway.state() == GatewayState.PENDING || gateway.state() == GatewayState.PAIRED;
    }
}
