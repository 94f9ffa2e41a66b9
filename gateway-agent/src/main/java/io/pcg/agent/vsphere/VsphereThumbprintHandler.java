package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * {@code vsphere.thumbprint}: shows the vCenter certificate (SHA-1 and SHA-256) so the admin can confirm it before
 * the agent pins it. Payload {@code {"server": "vc.example.com[:port]"}}.
 */
@Singleton
public class VsphereThumbprintHandler extends TypedCommandHandler<VsphereThumbprintHandler.Target> {

    private final VsphereConfig config;

    public VsphereThumbprintHandler(VsphereConfig config) {
        super(Target.class, VsphereCommands.INVALID_REQUEST, UnknownFields.IGNORE);
        this.config = config;
    }

    @Override
    public String type() {
        return "vsphere.thumbprint";
    }

    /** The vCenter whose certificate to show. */
    record Target(String server) {}

    record Result(String server, String sha1, String sha256, String subject, String issuer, Instant notAfter) {}

    @Override
    protected Result run(Target payload) throws CommandFailedException {
        VsphereLogin target;
        try {
            target = VsphereLogin.of(payload.server(), "-", null, null);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(
                    VsphereCommands.INVALID_REQUEST, e.getMessage(), "Give the vCenter host name or IP.");
        }
        try {
            CertificateProbe.ServerCertificate certificate =
                    CertificateProbe.fetch(target.host(), target.port(), config.connectTimeout());
            return new Result(
                    target.authority(),
                    certificate.thumbprints().sha1(),
                    certificate.thumbprints().sha256(),
                    certificate.subject(),
                    certificate.issuer(),
                    certificate.notAfter());
        } catch (VsphereException e) {
            throw VsphereCommands.failed(e);
        }
    }
}
