package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.common.secrets.Secret;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VsphereSessionsTest {

    private final List<FakeVsphereClient> opened = new ArrayList<>();
    private final VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults(), (login, config) -> {
        FakeVsphereClient client = new FakeVsphereClient();
        opened.add(client);
        return client;
    });

    private static VsphereLogin login(String user, String password) {
        return VsphereLogin.of("vc.example.com", user, Secret.of(password), null);
    }

    @Test
    void oneSessionPerServerAndUserWhileAlive() throws Exception {
        VsphereClient a = sessions.session(login("a@vsphere.local", "pw"));
        assertThat(sessions.session(login("A@vsphere.local", "pw"))).isSameAs(a);
        assertThat(sessions.session(login("b@vsphere.local", "pw"))).isNotSameAs(a);
        assertThat(opened).hasSize(2);
    }

    @Test
    void deadOrChangedSessionsAreReplacedAndLoggedOut() throws Exception {
        VsphereClient first = sessions.session(login("a", "pw"));
        opened.get(0).alive = false;
        VsphereClient second = sessions.session(login("a", "pw"));
        assertThat(second).isNotSameAs(first);
        assertThat(opened.get(0).closed).isTrue();
        VsphereClient third = sessions.session(login("a", "new-pw"));
        assertThat(third).isNotSameAs(second);
        assertThat(opened.get(1).closed).isTrue();
    }

    @Test
    void closeLogsEverySessionOut() throws Exception {
        sessions.session(login("a", "pw"));
        sessions.session(login("b", "pw"));
        sessions.close();
        assertThat(opened).allSatisfy(c -> assertThat(c.closed).isTrue());
    }
}
