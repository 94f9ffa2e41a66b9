package io.pcg.vsphere.soap;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.VimPortType;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.rmi.RemoteException;
import java.time.Duration;

/**
 * A connection to a vCenter's SDK endpoint, not logged in yet: the HTTP client (also good for the REST API and
 * uploads to the same vCenter), our transport on it, and yavijava's typed stubs on the transport.
 */
public record VimConnection(HttpClient http, VimSoapClient soap, VimPortType port) {

    /** Sets up the transport to {@code sdkUrl} ({@code https://host[:port]/sdk}); nothing is sent yet. */
    public static VimConnection open(
            URI sdkUrl, PinningTrustManager trust, Duration connectTimeout, Duration readTimeout)
            throws MalformedURLException {
        HttpClient http = VimSoapClient.httpClient(trust, connectTimeout);
        VimSoapClient soap = new VimSoapClient(sdkUrl, http, trust, connectTimeout, readTimeout);
        return new VimConnection(http, soap, new VimPortType(soap));
    }

    /**
     * The ServiceInstance's content, the managers every other call starts from; the first request, and the one that
     * tells a vCenter from another server answering on the same address.
     */
    public ServiceContent serviceContent() throws RemoteException {
        ManagedObjectReference serviceInstance = new ManagedObjectReference();
        serviceInstance.setType("ServiceInstance");
        serviceInstance.setVal("ServiceInstance");
        ServiceContent content = port.retrieveServiceContent(serviceInstance);
        if (content == null || content.getAbout() == null || content.getSessionManager() == null) {
            throw new NotVimResponseException("the service content has no session manager");
        }
        return content;
    }
}
