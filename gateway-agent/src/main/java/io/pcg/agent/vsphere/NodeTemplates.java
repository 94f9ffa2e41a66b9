package io.pcg.agent.vsphere;

import io.pcg.agent.vsphere.VsphereClient.TemplatePlacement;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.agent.vsphere.VsphereInventory.Template;
import java.nio.file.Path;
import java.util.List;

/** The node template CAPV clones: found by name in the datacenter, or imported from the OVF shipped with the agent. */
public final class NodeTemplates {

    private NodeTemplates() {}

    /** The result: the template and whether this call imported it. */
    public record Outcome(Moref template, String path, boolean imported) {}

    public static Outcome findOrImport(
            VsphereClient client, String datacenter, String name, Path ovfDescriptor, TemplatePlacement placement)
            throws VsphereException {
        Datacenter dc = client.inventory()
                .datacenter(datacenter)
                .orElseThrow(() -> new VsphereException(
                        Reason.NOT_FOUND,
                        "datacenter " + datacenter + " does not exist",
                        "Choose an existing datacenter."));
        List<Template> matches =
                dc.templates().stream().filter(t -> t.name().equals(name)).toList();
        if (matches.size() > 1) {
            throw new VsphereException(
                    Reason.INVALID_REQUEST,
                    "several templates are named " + name + ": "
                            + matches.stream().map(Template::path).toList(),
                    "Remove or rename the duplicates.");
        }
        if (matches.size() == 1) {
            return new Outcome(matches.get(0).ref(), matches.get(0).path(), false);
        }
        Moref imported = client.importTemplate(ovfDescriptor, name, placement);
        String path = client.inventory()
                .datacenter(datacenter)
                .flatMap(d -> d.templates().stream()
                        .filter(t -> t.ref().equals(imported))
                        .map(Template::path)
                        .findFirst())
                .orElse(name);
        return new Outcome(imported, path, true);
    }
}
