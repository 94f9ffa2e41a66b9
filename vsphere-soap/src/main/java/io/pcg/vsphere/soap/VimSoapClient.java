package io.pcg.vsphere.soap;

import com.vmware.vim25.ws.Argument;
import com.vmware.vim25.ws.Client;
import com.vmware.vim25.ws.XmlGen;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.rmi.RemoteException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.xml.stream.XMLStreamException;

/**
 * yavijava's transport, replaced: requests are marshalled by yavijava's {@link XmlGen}, sent with
 * {@code java.net.http} (connect and read timeouts, our pinning trust manager) and answers are read by
 * {@link VimXmlReader}. Plugged in through {@code new VimPortType(client)}, so yavijava's typed stubs and model are
 * used unchanged without patching the jar or touching its global {@code ClientCreator.clientClass}.
 *
 * <p>Nothing here logs request bodies: the Login request carries the password.
 */
public final class VimSoapClient implements Client {

    private static final String SOAP_API_VERSION = "6.0";
    /** XmlGen writes the method element as {@code "<" + method + this}, so the closing bracket belongs here. */
    private static final String VIM_NAMESPACE_ATTRIBUTE = " xmlns=\"urn:vim25\">";

    private static final String SESSION_COOKIE = "vmware_soap_session";

    private final HttpClient http;
    private final PinningTrustManager trust;
    private URL baseUrl;
    private Duration readTimeout;
    private Duration connectTimeout;
    private volatile String cookie;
    private String soapAction = "urn:vim25/" + SOAP_API_VERSION;

    public VimSoapClient(
            URI sdkUrl, HttpClient http, PinningTrustManager trust, Duration connectTimeout, Duration readTimeout) {
        this.http = http;
        this.trust = trust;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        try {
            this.baseUrl = sdkUrl.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + sdkUrl, e);
        }
    }

    /**
     * The HTTP client a {@link VimSoapClient} (and uploads to the same vCenter's hosts) should use: HTTP/1.1 as
     * vCenter's SOAP endpoint expects, no redirects followed, TLS decided by {@code trust} alone.
     */
    public static HttpClient httpClient(TrustManager trust, Duration connectTimeout) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {trust}, null);
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(tls)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
    }

    @Override
    public Object invoke(String methodName, Argument[] args, String returnType) throws RemoteException {
        HttpResponse<InputStream> response = post(methodName, marshall(methodName, args));
        try (InputStream body = response.body()) {
            VimXmlReader.Response parsed = VimXmlReader.readResponse(body, returnType);
            if (parsed.fault() != null) {
                throw new VimFaultException(
                        parsed.fault().faultString(), parsed.fault().detail());
            }
            if (response.statusCode() != 200) {
                throw new NotVimResponseException(
                        "HTTP " + response.statusCode() + " without a SOAP fault for " + methodName);
            }
            return parsed.value();
        } catch (XMLStreamException e) {
            throw new NotVimResponseException(
                    "the answer to " + methodName + " is not vSphere SOAP (HTTP "
                            + response.statusCode() + ", "
                            + response.headers().firstValue("content-type").orElse("no content type")
                            + ")",
                    e);
        } catch (IOException e) {
            throw new RemoteException("reading the answer to " + methodName + " failed", e);
        }
    }

    /** Sends a request and returns the raw answer stream, for callers that parse big answers themselves. */
    public HttpResponse<InputStream> post(String methodName, String envelope) throws RemoteException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl.toString()))
                .timeout(readTimeout)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", soapAction)
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
        String sessionCookie = cookie;
        if (sessionCookie != null) {
            request.header("Cookie", sessionCookie);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RemoteException(methodName + " failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException(methodName + " was interrupted", e);
        }
        captureSessionCookie(response);
        String contentType = response.headers().firstValue("content-type").orElse("");
        if (!contentType.contains("xml")) {
            discard(response);
            throw new NotVimResponseException("the server answered " + methodName + " with HTTP "
                    + response.statusCode() + " and content type '" + contentType + "', not vSphere SOAP");
        }
        return response;
    }

    private void captureSessionCookie(HttpResponse<?> response) {
        for (String header : response.headers().allValues("set-cookie")) {
            String pair = header.split(";", 2)[0].trim();
            if (pair.startsWith(SESSION_COOKIE + "=")) {
                cookie = pair;
            }
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }

    @Override
    public StringBuffer invokeAsString(String methodName, Argument[] args) throws RemoteException {
        HttpResponse<InputStream> response = post(methodName, marshall(methodName, args));
        try {
            return readStream(response.body());
        } catch (IOException e) {
            throw new RemoteException("reading the answer to " + methodName + " failed", e);
        }
    }

    @Override
    public String marshall(String methodName, Argument[] args) {
        return XmlGen.toXML(methodName, args, VIM_NAMESPACE_ATTRIBUTE);
    }

    @Override
    public Object unMarshall(String returnType, InputStream in) throws Exception {
        VimXmlReader.Response parsed = VimXmlReader.readResponse(in, returnType);
        if (parsed.fault() != null) {
            throw new VimFaultException(
                    parsed.fault().faultString(), parsed.fault().detail());
        }
        return parsed.value();
    }

    @Override
    public StringBuffer readStream(InputStream in) throws IOException {
        try (in) {
            return new StringBuffer(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public URL getBaseUrl() {
        return baseUrl;
    }

    @Override
    public void setBaseUrl(URL baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public String getCookie() {
        return cookie;
    }

    @Override
    public void setCookie(String cookie) {
        this.cookie = cookie;
    }

    @Override
    public String getVimNameSpace() {
        return VIM_NAMESPACE_ATTRIBUTE;
    }

    @Override
    public void setVimNameSpace(String vimNameSpace) {
        throw new UnsupportedOperationException("the vim25 namespace is fixed");
    }

    @Override
    public int getConnectTimeout() {
        return (int) connectTimeout.toMillis();
    }

    @Override
    public void setConnectTimeout(int millis) {
        throw new UnsupportedOperationException("the connect timeout is set when the HTTP client is built");
    }

    @Override
    public int getReadTimeout() {
        return (int) readTimeout.toMillis();
    }

    @Override
    public void setReadTimeout(int millis) {
        this.readTimeout = Duration.ofMillis(millis);
    }

    @Override
    public TrustManager getTrustManager() {
        return trust;
    }

    @Override
    public void setSoapActionOnApiVersion(String apiVersion) {
        this.soapAction = "urn:vim25/" + apiVersion;
    }
}
