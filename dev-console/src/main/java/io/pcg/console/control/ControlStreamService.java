package io.pcg.console.control;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.grpc.ClientCertificateInterceptor;
import io.pcg.console.logbundle.LogBundleUploads;
import io.pcg.console.pairing.CertificateRenewalService;
import io.pcg.console.pki.CsrRejectedException;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleReceipt;
import io.pcg.proto.v1.RenewCertificateRequest;
import io.pcg.proto.v1.RenewCertificateResponse;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gateway service on the wire: the control stream, certificate renewal and log bundle uploads. The gateway id comes from the verified
 * client certificate (see {@link ClientCertificateInterceptor}), never from a message. The first message on the
 * control stream must be Register.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ControlStreamService extends GatewayGrpc.GatewayImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(ControlStreamService.class);

    private final GatewaySessions sessions;
    private final CommandService commands;
    private final GatewayEvents events;
    private final ClusterStatusService clusters;
    private final ClusterHealthService health;
    private final CertificateRenewalService renewals;
    private final GatewayDeletions deletions;
    private final LogBundleUploads logBundles;
    private final Clock clock;

    public ControlStreamService(
            GatewaySessions sessions,
            CommandService commands,
            GatewayEvents events,
            ClusterStatusService clusters,
            ClusterHealthService health,
            CertificateRenewalService renewals,
            GatewayDeletions deletions,
            LogBundleUploads logBundles,
            Clock clock) {
        this.sessions = sessions;
        this.commands = commands;
        this.events = events;
        this.clusters = clusters;
        this.health = health;
        this.renewals = renewals;
        this.deletions = deletions;
        this.logBundles = logBundles;
        this.clock = clock;
    }

    @Override
    public void renewCertificate(RenewCertificateRequest request, StreamObserver<RenewCertificateResponse> response) {
        String gatewayId = ClientCertificateInterceptor.GATEWAY_ID.get();
        CertificateRenewalService.Renewed renewed;
        try {
            renewed = renewals.renew(
                    gatewayId,
                    ClientCertificateInterceptor.CERTIFICATE_SERIAL.get(),
                    request.getCsrDer().toByteArray());
        } catch (CsrRejectedException e) {
            LOG.warn("Gateway {}: certificate renewal refused: {}", gatewayId, e.getMessage());
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("cannot sign the certificate request: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        response.onNext(RenewCertificateResponse.newBuilder()
                .setClientCertificatePem(renewed.clientCertificatePem())
                .setCaBundlePem(renewed.caBundlePem())
                .build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<LogBundleChunk> uploadLogBundle(StreamObserver<LogBundleReceipt> response) {
        return logBundles.receive(ClientCertificateInterceptor.GATEWAY_ID.get(), response);
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ConsoleMessage> responseObserver) {
        String gatewayId = ClientCertificateInterceptor.GATEWAY_ID.get();
        ServerCallStreamObserver<ConsoleMessage> call = (ServerCallStreamObserver<ConsoleMessage>) responseObserver;
        GatewaySession session = new GatewaySession(gatewayId, call, clock.instant());
        call.setOnReadyHandler(session::drain);
        call.setOnCancelHandler(() -> {
            session.markGone();
            sessions.ended(session, "the connection to the agent was lost");
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(AgentMessage message) {
                if (session.isClosed()) {
                    return;
                }
                if (!session.isRegistered() && !message.hasRegister()) {
                    String why =
                            "the first message on the control stream must be Register, got " + message.getBodyCase();
                    LOG.warn("Gateway {}: {}", gatewayId, why);
                    sessions.ended(session, why);
                    session.close(Status.INVALID_ARGUMENT.withDescription(why));
                    return;
                }
                switch (message.getBodyCase()) {
                    case REGISTER -> sessions.registered(session, message.getRegister());
                    case HEARTBEAT -> sessions.heartbeat(session);
                    case EVENT -> {
                        events.recordFromAgent(gatewayId, message.getEvent());
                        if (GatewayDeletions.DELETED.equals(message.getEvent().getReason())) {
                            deletions.agentDeleted(gatewayId);
                        }
                    }
                    case ACK -> commands.acknowledged(gatewayId, message.getAck());
                    case RESULT -> {
                        commands.completed(gatewayId, message.getResult());
                        deletions.commandFinished(gatewayId, message.getResult());
                    }
                    case CLUSTER_STATUS -> clusters.record(gatewayId, message.getClusterStatus());
                    case CLUSTER_HEALTH -> health.record(gatewayId, message.getClusterHealth());
                    case BODY_NOT_SET ->
                        LOG.debug("Gateway {} sent a message this console does not understand", gatewayId);
                }
            }

            @Override
            public void onError(Throwable error) {
                session.markGone();
                sessions.ended(session, "the stream failed: " + Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                sessions.ended(session, "the agent closed the stream");
                session.complete();
            }
        };
    }
}
