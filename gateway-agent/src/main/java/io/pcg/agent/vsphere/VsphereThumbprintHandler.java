package io.pcg.agent.vsphere;

import com.fasterxml.jackson.databind.JsonNode;
import io.pcg.agent.tunnel.AgentCommand;
import io.pcg.agent.tunnel.CommandFailedException;
import io.pcg.agent.tunnel.CommandHandler;
import jakarta.inject.Singleton;

import java.time.Instant;

/**
 * {@code vsphere.thumbprint}: shows the vCenter certificate (SHA-1 and SHA-256) so the admin can confirm it before
 * the agent pins it. Payload {@code {"server": "vc.example.com[:port]"}}.
 */
@Singleton
public class VsphereThumbprintHandler implements CommandHandler {

    private final VsphereConfig config;

    public VsphereThumbprintHandler(VsphereConfig config) {
        this.config = config;
    }

    @Override
    public String type() {
        return "vsphere.thumbprint";
    }

    record Result(String server, String sha1, String sha256, String subject, String issuer, Instant notAfter) {
    }

    @Override
    public String handle(AgentCommand command) throws CommandFailedException {
        JsonNode payload = VsphereCommands.payload(command);
        VsphereLogin target;
        try {
            target = VsphereLogin.of(VsphereCommands.text(payload, "server"), "-", null, null);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("vsphere.invalid-request", e.getMessage(), "Give the vCenter host name or IP.");
        }
        try {
            CertificateProbe.ServerCertificate certificate = CertificateProbe.fetch(target.host(), target.port(),
                    config.connectTimeout());
            return VsphereCommands.toJson(new Result(target.authority(), certificate.thumbprints().sha1(),
                    certificate.thumbprints().sha256(), certificate.subject(), certificate.issuer(),
                    certificate.notAfter()));
        } catch (VsphereException e) {
            throw VsphereCommands.failed(e);
        }
    }
}
