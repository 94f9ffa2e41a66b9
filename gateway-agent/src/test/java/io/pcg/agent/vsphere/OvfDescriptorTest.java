package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OvfDescriptorTest {

    @Test
    void listsTheNetworksToMap() throws Exception {
        String ovf = Files.readString(Path.of(OvfDescriptorTest.class
                .getResource("node-template/pcg-node.ovf")
                .toURI()));
        assertThat(OvfDescriptor.networkNames(ovf)).containsExactly("VM Network");
    }

    @Test
    void rejectsWhatIsNotAnOvf() {
        assertThatThrownBy(() -> OvfDescriptor.networkNames("<html/>")).hasMessageContaining("not an OVF 1.x Envelope");
        assertThatThrownBy(() -> OvfDescriptor.networkNames("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OvfDescriptor.networkNames("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">&e;</Envelope>"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
