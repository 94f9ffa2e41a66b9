package io.pcg.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vmware.vim25.EntityPrivilege;
import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.MethodFault;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.RetrieveResult;
import com.vmware.vim25.VirtualMachinePowerState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;

/** Answers recorded from vcsim (trimmed), plus the hostile and newer-than-the-model cases. */
class VimXmlReaderTest {

    private static final String ENVELOPE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
            + "xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" "
            + "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
            + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>";

    private static VimXmlReader.Response read(String body, String returnType) throws XMLStreamException {
        return VimXmlReader.readResponse(
                new ByteArrayInputStream(String.format(ENVELOPE, body).getBytes(StandardCharsets.UTF_8)), returnType);
    }

    @Test
    void readsReferencesByTheirOwnTypeAttributeEvenAfterXsiType() throws Exception {
        RetrieveResult result = (RetrieveResult) read(
                        "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval>"
                                + "<objects><obj type=\"VirtualMachine\">vm-57</obj>"
                                + "<propSet><name>runtime.host</name><val xsi:type=\"ManagedObjectReference\" type=\"HostSystem\">host-21</val></propSet>"
                                + "<propSet><name>runtime.powerState</name><val xsi:type=\"VirtualMachinePowerState\">poweredOn</val></propSet>"
                                + "<propSet><name>datastore</name><val xsi:type=\"ArrayOfManagedObjectReference\">"
                                + "<ManagedObjectReference type=\"Datastore\">ds-1</ManagedObjectReference>"
                                + "<ManagedObjectReference type=\"Datastore\">ds-2</ManagedObjectReference></val></propSet>"
                                + "<propSet><name>config.hardware.numCPU</name><val xsi:type=\"xsd:int\">4</val></propSet>"
                                + "</objects><token>1</token></returnval></RetrievePropertiesExResponse>",
                        "RetrieveResult")
                .value();

        assertThat(result.getToken()).isEqualTo("1");
        ObjectContent vm = result.getObjects()[0];
        assertThat(vm.getObj().getType()).isEqualTo("VirtualMachine");
        ManagedObjectReference host = (ManagedObjectReference) vm.getPropSet()[0].getVal();
        assertThat(host.getType()).isEqualTo("HostSystem");
        assertThat(host.getVal()).isEqualTo("host-21");
        assertThat(vm.getPropSet()[1].getVal()).isEqualTo(VirtualMachinePowerState.poweredOn);
        assertThat((ManagedObjectReference[]) vm.getPropSet()[2].getVal())
                .extracting(ManagedObjectReference::getVal)
                .containsExactly("ds-1", "ds-2");
        assertThat(vm.getPropSet()[3].getVal()).isEqualTo(4);
    }

    @Test
    void skipsFieldsTypesAndEnumValuesNewerThanTheModel() throws Exception {
        RetrieveResult result = (RetrieveResult) read(
                        "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval>"
                                + "<objects><obj type=\"VirtualMachine\">vm-1</obj>"
                                + "<propSet><name>runtime.powerState</name><val xsi:type=\"VirtualMachinePowerState\">hibernating</val></propSet>"
                                + "<propSet><name>config.future</name><val xsi:type=\"VirtualMachineQuantumConfig\"><qubits>8</qubits></val></propSet>"
                                + "<propSet><name>name</name><val xsi:type=\"xsd:string\">web-1</val><addedIn90>x</addedIn90></propSet>"
                                + "<brandNewField><nested><deeper>1</deeper></nested></brandNewField>"
                                + "</objects></returnval></RetrievePropertiesExResponse>",
                        "RetrieveResult")
                .value();

        ObjectContent vm = result.getObjects()[0];
        assertThat(vm.getPropSet()).hasSize(3);
        assertThat(vm.getPropSet()[0].getVal()).isNull();
        assertThat(vm.getPropSet()[1].getVal()).isNull();
        assertThat(vm.getPropSet()[2].getVal()).isEqualTo("web-1");
    }

    @Test
    void readsArraysOfReturnValues() throws Exception {
        EntityPrivilege[] privileges = (EntityPrivilege[]) read(
                        "<HasUserPrivilegeOnEntitiesResponse xmlns=\"urn:vim25\">"
                                + "<returnval><entity type=\"Folder\">group-d1</entity>"
                                + "<privAvailability><privId>System.View</privId><isGranted>true</isGranted></privAvailability>"
                                + "<privAvailability><privId>Datastore.Browse</privId><isGranted>false</isGranted></privAvailability>"
                                + "</returnval><returnval><entity type=\"Datastore\">ds-1</entity></returnval>"
                                + "</HasUserPrivilegeOnEntitiesResponse>",
                        "EntityPrivilege[]")
                .value();

        assertThat(privileges).hasSize(2);
        assertThat(privileges[0].getPrivAvailability())
                .extracting(p -> p.getPrivId() + "=" + p.isIsGranted())
                .containsExactly("System.View=true", "Datastore.Browse=false");
        assertThat(privileges[1].getEntity().getVal()).isEqualTo("ds-1");
    }

    @Test
    void readsFaultsWithoutReflectionIntoThrowable() throws Exception {
        VimXmlReader.Fault fault = read(
                        "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                                + "<faultstring>Login failure</faultstring><detail>"
                                + "<InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\"></InvalidLoginFault>"
                                + "</detail></soapenv:Fault>",
                        "UserSession")
                .fault();
        assertThat(fault.faultString()).isEqualTo("Login failure");
        assertThat(fault.detail()).isInstanceOf(InvalidLogin.class);

        VimXmlReader.Fault unknown = read(
                        "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                                + "<faultstring>new</faultstring><detail><QuantumFault xmlns=\"urn:vim25\" xsi:type=\"QuantumFault\">"
                                + "<reason>x</reason></QuantumFault></detail></soapenv:Fault>",
                        "UserSession")
                .fault();
        assertThat(unknown.detail()).isExactlyInstanceOf(MethodFault.class);
    }

    @Test
    void voidMethodsReturnNull() throws Exception {
        assertThat(read("<LogoutResponse xmlns=\"urn:vim25\"></LogoutResponse>", null)
                        .value())
                .isNull();
    }

    @Test
    void refusesDoctypesSoNoEntityCanReachFilesOrTheNetwork() {
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
                + "<R xmlns=\"urn:vim25\"><returnval>&x;</returnval></R></soapenv:Body></soapenv:Envelope>";
        assertThatThrownBy(() -> VimXmlReader.readResponse(
                        new ByteArrayInputStream(hostile.getBytes(StandardCharsets.UTF_8)), "String"))
                .isInstanceOf(XMLStreamException.class);
    }

    @Test
    void htmlIsNotAnEnvelope() {
        assertThatThrownBy(() -> VimXmlReader.readResponse(
                        new ByteArrayInputStream("<html><body>nginx</body></html>".getBytes(StandardCharsets.UTF_8)),
                        "String"))
                .isInstanceOf(XMLStreamException.class)
                .hasMessageContaining("not a SOAP envelope");
    }

    @Test
    void dom4jIsNotOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("org.dom4j.io.SAXReader")).isInstanceOf(ClassNotFoundException.class);
    }
}
